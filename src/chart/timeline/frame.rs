//! The timeline's frame: the date axis and the legend.

use super::*;

impl Builder<'_> {
    pub(super) fn axis(&mut self) {
        let y = self.lanes_bottom + 6.0;
        // Age lines run down to the axis.
        for item in &mut self.back {
            if let Item::Line { to, .. } = item {
                if to.y == f32::MAX {
                    to.y = y;
                }
            }
        }
        self.mid.push(Item::Line {
            from: Point::new(self.scale.x0, y),
            to: Point::new(self.scale.x1, y),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        let ticks = self.scale.ticks(56.0);
        let two_tier = !ticks.years.is_empty();
        for t in &ticks.ticks {
            let major = t.date.month0() == 0;
            self.mid.push(Item::Line {
                from: Point::new(t.x, y),
                to: Point::new(t.x, y + if major { 8.0 } else { 5.0 }),
                stroke: Stroke::solid(palette::REFERENCE, 1.0),
            });
            self.text_styled(
                t.x,
                y + 19.0,
                &t.label,
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }
        if two_tier {
            for t in &ticks.years {
                self.text_styled(
                    t.x,
                    y + 34.0,
                    &t.label,
                    SMALL_SIZE,
                    Weight::Bold,
                    Anchor::Middle,
                    palette::TEXT,
                );
            }
        }
        self.y = y + if two_tier { 46.0 } else { 30.0 };
    }

    pub(super) fn legend(&mut self) {
        let mut groups: Vec<(&str, Vec<Swatch>)> = Vec::new();
        let mut cats: Vec<_> = self
            .child
            .care_periods
            .iter()
            .flat_map(|p| p.placements.iter().map(|p| p.category))
            .collect();
        crate::sort::stable(&mut cats);
        cats.dedup();
        if !cats.is_empty() {
            groups.push((
                "Placements",
                cats.iter()
                    .map(|c| {
                        let (fill, pattern, _) = palette::placement(*c);
                        Swatch::Bar(fill, pattern, c.label().to_string())
                    })
                    .collect(),
            ));
        }
        // Each category in the words of the first spell written with it (an SSDA903 code
        // takes England's words).
        let mut legal: Vec<_> = self
            .child
            .legal
            .iter()
            .map(|l| (l.category, l.category.label_as_written(&l.legal_status)))
            .collect();
        crate::sort::stable_by_key(&mut legal, |(c, _)| *c);
        legal.dedup_by_key(|(c, _)| *c);
        if !legal.is_empty() {
            groups.push((
                "Legal status",
                legal
                    .iter()
                    .map(|(c, label)| {
                        let (fill, pattern, _) = palette::legal(*c);
                        Swatch::Bar(fill, pattern, label.to_string())
                    })
                    .collect(),
            ));
        }
        let events: Vec<_> = self.child.all_events().collect();
        let mut ev = Vec::new();
        if events.iter().any(|e| e.milestone.is_key_decision()) {
            ev.push(Swatch::Marker(
                MarkerShape::Diamond,
                palette::KEY,
                false,
                "key decision".into(),
            ));
        }
        if events.iter().any(|e| {
            !e.milestone.is_key_decision()
                && !matches!(e.milestone, Milestone::Missing | Milestone::Custom)
        }) {
            ev.push(Swatch::Marker(
                MarkerShape::Circle,
                palette::ROUTINE,
                false,
                "review, meeting or hearing".into(),
            ));
        }
        if events.iter().any(|e| e.milestone == Milestone::Missing) {
            ev.push(Swatch::Marker(
                MarkerShape::TriangleDown,
                palette::ROUTINE,
                false,
                "missing".into(),
            ));
        }
        if events.iter().any(|e| e.milestone == Milestone::Custom) {
            ev.push(Swatch::Marker(
                MarkerShape::Square,
                palette::ROUTINE,
                false,
                "other event".into(),
            ));
        }
        if events
            .iter()
            .any(|e| !self.child.care_periods.iter().any(|p| p.contains(e.date)))
        {
            ev.push(Swatch::Marker(
                MarkerShape::Circle,
                palette::ROUTINE,
                true,
                "hollow: outside care".into(),
            ));
        }
        if !ev.is_empty() {
            groups.push(("Events", ev));
        }
        if !self.stages.is_empty() {
            let mut st = vec![Swatch::Bar(palette::WITHIN, None, "within target".into())];
            st.push(Swatch::Bar(
                palette::VERMILLION,
                Some(palette::over_pattern()),
                "beyond target".into(),
            ));
            st.push(Swatch::Tick("target date".into()));
            if self.stages.iter().any(|s| s.target.is_none()) {
                st.push(Swatch::Bar(palette::NEUTRAL, None, "no target set".into()));
            }
            if self.stages.iter().any(|s| s.is_open()) {
                st.push(Swatch::Marker(
                    MarkerShape::TriangleRight,
                    palette::WITHIN,
                    false,
                    "still running".into(),
                ));
            }
            if self
                .stages
                .iter()
                .any(|s| s.is_open() && s.forecast.is_some())
            {
                st.push(Swatch::Forecast(
                    "forecast: likely date, middle half of likely dates".into(),
                ));
            }
            groups.push(("Timescales", st));
        }
        let mut lines = vec![
            Swatch::Line(
                Stroke::dashed(palette::REFERENCE, 1.2, 5.0, 3.0),
                "care starts and ends".into(),
            ),
            Swatch::Line(
                Stroke::dashed(palette::VERMILLION, 1.2, 2.0, 3.0),
                "\"as at\" date".into(),
            ),
        ];
        if self.child.date_of_birth.is_some() {
            lines.push(Swatch::Line(
                Stroke::solid(palette::GRID, 1.0),
                "birthdays".into(),
            ));
        }
        if self
            .child
            .care_periods
            .windows(2)
            .any(|w| w[0].end.is_some_and(|e| w[1].start > e))
        {
            lines.push(Swatch::Bar(
                palette::SHADE,
                Some(Pattern {
                    kind: PatternKind::BackDiagonal,
                    color: palette::FAINT,
                    spacing: 5.0,
                }),
                "not looked after".into(),
            ));
        }
        groups.push(("Lines", lines));

        self.y += 4.0;
        let right = self.options.width - RIGHT_MARGIN;
        for (name, swatches) in groups {
            let mut x = PLOT_LEFT;
            let row_h = 18.0;
            let baseline = |y: f32| y + 12.0;
            self.text_styled(
                HEADER_RIGHT,
                baseline(self.y),
                name,
                SMALL_SIZE,
                Weight::Bold,
                Anchor::End,
                palette::TEXT,
            );
            for s in swatches {
                let label = s.label().to_string();
                let w = 22.0 + 5.0 + self.measure.width(&label, SMALL_SIZE, Weight::Regular);
                if x + w > right && x > PLOT_LEFT {
                    x = PLOT_LEFT;
                    self.y += row_h;
                }
                let cy = self.y + 8.0;
                match &s {
                    Swatch::Bar(fill, pattern, _) => self.front.push(Item::Rect {
                        rect: Rect::new(x, cy - 6.0, 22.0, 12.0),
                        fill: Some(*fill),
                        pattern: *pattern,
                        stroke: Some(Stroke::solid(palette::OUTLINE, 0.8)),
                    }),
                    Swatch::Marker(shape, color, hollow, _) => self.front.push(Item::Marker {
                        at: Point::new(x + 11.0, cy),
                        size: 10.0,
                        shape: *shape,
                        fill: Some(if *hollow { palette::WHITE } else { *color }),
                        stroke: hollow.then_some(Stroke::solid(*color, 1.5)),
                    }),
                    Swatch::Line(stroke, _) => self.front.push(Item::Line {
                        from: Point::new(x + 11.0, cy - 8.0),
                        to: Point::new(x + 11.0, cy + 8.0),
                        stroke: *stroke,
                    }),
                    Swatch::Forecast(_) => {
                        self.front.push(Item::Rect {
                            rect: Rect::new(x + 1.0, cy - 5.0, 20.0, 10.0),
                            fill: Some(palette::WHITE),
                            pattern: None,
                            stroke: Some(Stroke::dashed(palette::REFERENCE, 1.0, 3.0, 2.0)),
                        });
                        self.front.push(Item::Marker {
                            at: Point::new(x + 11.0, cy),
                            size: 10.0,
                            shape: MarkerShape::Diamond,
                            fill: Some(palette::WHITE),
                            stroke: Some(Stroke::solid(palette::KEY, 1.5)),
                        });
                    }
                    Swatch::Tick(_) => {
                        self.front.push(Item::Rect {
                            rect: Rect::new(x, cy - 4.0, 22.0, 8.0),
                            fill: Some(palette::WITHIN),
                            pattern: None,
                            stroke: None,
                        });
                        self.front.push(Item::Line {
                            from: Point::new(x + 14.0, cy - 8.0),
                            to: Point::new(x + 14.0, cy + 8.0),
                            stroke: Stroke::solid(palette::KEY, 2.0),
                        });
                    }
                }
                self.text_styled(
                    x + 27.0,
                    baseline(self.y),
                    &label,
                    SMALL_SIZE,
                    Weight::Regular,
                    Anchor::Start,
                    palette::TEXT,
                );
                x += w + 18.0;
            }
            self.y += row_h + 2.0;
        }
    }
}
