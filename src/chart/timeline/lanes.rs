//! The timeline's lanes: placements, legal status, events and the stages against their
//! timescales, each with its header, stacked labels and hit regions, and the gaps in care.

use super::*;

impl Builder<'_> {
    pub(super) fn lane_header(&mut self, label: &str, mid_y: f32) {
        self.text_styled(
            HEADER_RIGHT,
            mid_y + LANE_SIZE * 0.35,
            label,
            LANE_SIZE,
            Weight::Bold,
            Anchor::End,
            palette::TEXT,
        );
    }

    pub(super) fn chron_row(&self, what: ChronologyRef) -> Option<usize> {
        self.chron.row_of(what)
    }

    pub(super) fn placements(&mut self) {
        let as_at = self.options.as_at;
        struct Bar {
            rect: Rect,
            fill: Color,
            pattern: Option<Pattern>,
            text_color: Color,
            label: String,
            long_label: String,
            temporary: bool,
            hit: Hit,
        }
        let mut bars: Vec<Bar> = Vec::new();
        let mut outside: Vec<Outside> = Vec::new();
        for (pi, period) in self.child.care_periods.iter().enumerate() {
            for (i, p) in period.placements.iter().enumerate() {
                let end = p.end.unwrap_or(as_at).max(p.start);
                let (x0, x1) = (self.scale.x_clamped(p.start), self.scale.x_clamped(end));
                if x1 <= x0 && !(self.scale.contains(p.start)) {
                    continue;
                }
                let (fill, pattern, text_color) = palette::placement(p.category);
                let label = self.names.bar_label(p);
                let length = duration_words(p.start, end);
                let hit = Hit {
                    target: HitTarget::Placement {
                        period: pi,
                        index: i,
                    },
                    label: format!(
                        "{} · {} · {} to {} ({})",
                        label,
                        p.category.label(),
                        date_long(p.start),
                        p.end.map(date_long).unwrap_or_else(|| "now".into()),
                        length
                    ),
                    source: Some(p.source),
                    text_row: self.chron_row(ChronologyRef::Placement {
                        period: pi,
                        index: i,
                    }),
                };
                bars.push(Bar {
                    rect: Rect::new(x0, 0.0, (x1 - x0).max(1.5), PLACEMENT_BAR),
                    fill,
                    pattern,
                    text_color,
                    long_label: format!("{label} · {length}"),
                    label,
                    temporary: p.temporary,
                    hit,
                });
                if let Some(n) = p.move_number.get() {
                    if self.scale.contains(p.start) {
                        outside.push(Outside {
                            anchor: x0,
                            text: format!("move {n}"),
                            weight: Weight::Regular,
                            hit: None,
                            priority: 1,
                        });
                    }
                }
            }
        }
        // Decide which labels fit inside their bars.
        let mut inside: Vec<Option<String>> = Vec::new();
        for bar in &bars {
            let room = bar.rect.w - 2.0 * 6.0;
            let long = self
                .measure
                .width(&bar.long_label, LABEL_SIZE, Weight::Bold);
            let short = self.measure.width(&bar.label, LABEL_SIZE, Weight::Bold);
            if long <= room {
                inside.push(Some(bar.long_label.clone()));
            } else if short <= room {
                inside.push(Some(bar.label.clone()));
            } else {
                inside.push(None);
                outside.push(Outside {
                    anchor: bar.rect.x + bar.rect.w / 2.0,
                    text: bar.label.clone(),
                    weight: Weight::Bold,
                    hit: Some(bar.hit.clone()),
                    priority: 0,
                });
            }
        }
        let bar_top = self.outside_labels(&outside, 3, palette::LEADER);
        self.placement_top = bar_top;
        self.lane_header("Placements", bar_top + PLACEMENT_BAR / 2.0);
        for (bar, label) in bars.iter().zip(inside) {
            let mut r = bar.rect;
            r.y = bar_top;
            if bar.temporary {
                r.y += PLACEMENT_BAR * 0.2;
                r.h = PLACEMENT_BAR * 0.6;
            }
            self.mid.push(Item::Rect {
                rect: r,
                fill: Some(bar.fill),
                pattern: bar.pattern,
                stroke: Some(Stroke::solid(palette::WHITE, 1.0)),
            });
            if let Some(text) = label {
                let cx = r.x + r.w / 2.0;
                let baseline = r.y + r.h / 2.0 + LABEL_SIZE * 0.35;
                let mut color = bar.text_color;
                if bar.pattern.is_some() {
                    let w = self.measure.width(&text, LABEL_SIZE, Weight::Bold);
                    let b = text_box(cx - w / 2.0, cx + w / 2.0, baseline, LABEL_SIZE, 3.0);
                    self.mid.push(Item::Rect {
                        rect: b,
                        fill: Some(palette::WHITE.alpha(225)),
                        pattern: None,
                        stroke: None,
                    });
                    color = palette::TEXT;
                }
                self.mid.push(Item::Text(TextItem {
                    at: Point::new(cx, baseline),
                    text,
                    size: LABEL_SIZE,
                    weight: Weight::Bold,
                    anchor: Anchor::Middle,
                    color,
                }));
            }
            self.hits.push(HitRegion {
                rect: r,
                hit: bar.hit.clone(),
            });
        }
        self.y = bar_top + PLACEMENT_BAR;
    }

    /// Stacks labels that sit above a lane (moves, names that do not fit their bars) and
    /// returns the y where the lane's bars start.
    pub(super) fn outside_labels(
        &mut self,
        labels: &[Outside],
        max_rows: usize,
        leader: Color,
    ) -> f32 {
        let requests: Vec<LabelRequest> = labels
            .iter()
            .map(|l| LabelRequest {
                anchor: l.anchor,
                width: self.measure.width(&l.text, SMALL_SIZE, l.weight) + 2.0 * LABEL_PAD,
                priority: l.priority,
            })
            .collect();
        let config = PlacerConfig {
            max_rows,
            min_x: PLOT_LEFT - 10.0,
            max_x: self.options.width - 4.0,
            gap: 4.0,
            leader_clearance: 3.0,
        };
        let placed = place_labels(&requests, &config);
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        let row_h = 16.0;
        let bar_top = self.y + rows as f32 * row_h + if rows > 0 { 4.0 } else { 0.0 };
        for (l, p) in labels.iter().zip(&placed) {
            let Some(p) = p else { continue };
            let baseline = bar_top - 4.0 - p.row as f32 * row_h - 3.0;
            let b = text_box(
                p.x0 + LABEL_PAD,
                p.x1 - LABEL_PAD,
                baseline,
                SMALL_SIZE,
                1.0,
            );
            self.front.push(Item::Line {
                from: Point::new(l.anchor, b.bottom()),
                to: Point::new(l.anchor, bar_top),
                stroke: Stroke::solid(leader, 1.0),
            });
            self.front.push(Item::Text(TextItem {
                at: Point::new((p.x0 + p.x1) / 2.0, baseline),
                text: l.text.clone(),
                size: SMALL_SIZE,
                weight: l.weight,
                anchor: Anchor::Middle,
                color: palette::TEXT,
            }));
            self.label_boxes.push(b);
            if let Some(h) = &l.hit {
                self.hits.push(HitRegion {
                    rect: b,
                    hit: h.clone(),
                });
            }
        }
        bar_top
    }

    pub(super) fn legal(&mut self) {
        struct Bar {
            rect: Rect,
            fill: Color,
            pattern: Option<Pattern>,
            text_color: Color,
            label: String,
            hit: Hit,
        }
        let as_at = self.options.as_at;
        let mut bars = Vec::new();
        let mut outside = Vec::new();
        for (i, l) in self.child.legal.iter().enumerate() {
            let end = l.end.unwrap_or(as_at).max(l.start);
            let (x0, x1) = (self.scale.x_clamped(l.start), self.scale.x_clamped(end));
            if x1 <= x0 && !self.scale.contains(l.start) {
                continue;
            }
            let (fill, pattern, text_color) = palette::legal(l.category);
            let label = if self.options.pseudonymise {
                l.category.label().to_string()
            } else {
                l.legal_status.to_string()
            };
            let hit = Hit {
                target: HitTarget::Legal { index: i },
                label: format!(
                    "{}{} · {} to {}",
                    // Pseudonymised, the label is the category already.
                    if self.options.pseudonymise {
                        String::new()
                    } else {
                        format!("{label} · ")
                    },
                    l.category.label_as_written(&l.legal_status),
                    date_long(l.start),
                    l.end.map(date_long).unwrap_or_else(|| "now".into())
                ),
                source: Some(l.source),
                text_row: self.chron_row(ChronologyRef::Legal { index: i }),
            };
            // A short spell stays visible: at least a few pixels wide.
            let rect = Rect::new(x0, 0.0, (x1 - x0).max(MIN_SPELL), LEGAL_BAR);
            let fits = self.measure.width(&label, SMALL_SIZE, Weight::Regular) <= rect.w - 10.0;
            if !fits {
                outside.push(Outside {
                    anchor: x0 + rect.w / 2.0,
                    text: label.clone(),
                    weight: Weight::Regular,
                    hit: Some(hit.clone()),
                    priority: 0,
                });
            }
            bars.push((
                Bar {
                    rect,
                    fill,
                    pattern,
                    text_color,
                    label,
                    hit,
                },
                fits,
            ));
        }
        if bars.is_empty() {
            let mid = self.y + LEGAL_BAR / 2.0;
            self.lane_header("Legal status", mid);
            self.text_styled(
                PLOT_LEFT,
                mid + SMALL_SIZE * 0.35,
                "no legal status recorded",
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
            self.y += LEGAL_BAR;
            return;
        }
        let top = self.outside_labels(&outside, 3, palette::LEADER);
        self.lane_header("Legal status", top + LEGAL_BAR / 2.0);
        for (bar, fits) in bars {
            let mut r = bar.rect;
            r.y = top;
            // Light statuses (an emergency order, a voluntary agreement) get a grey outline
            // so that they stand apart from the white page.
            let stroke = if bar.fill.luminance() > 0.6 {
                Stroke::solid(palette::OUTLINE, 0.8)
            } else {
                Stroke::solid(palette::WHITE, 1.0)
            };
            self.mid.push(Item::Rect {
                rect: r,
                fill: Some(bar.fill),
                pattern: bar.pattern,
                stroke: Some(stroke),
            });
            if fits {
                self.mid.push(Item::Text(TextItem {
                    at: Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0 + SMALL_SIZE * 0.35),
                    text: bar.label,
                    size: SMALL_SIZE,
                    weight: Weight::Regular,
                    anchor: Anchor::Middle,
                    color: bar.text_color,
                }));
            }
            self.hits.push(HitRegion {
                rect: r,
                hit: bar.hit,
            });
        }
        self.y = top + LEGAL_BAR;
    }

    pub(super) fn events(&mut self) {
        let events: Vec<_> = self.child.all_events().collect();
        struct Ev {
            x: f32,
            label: String,
            key: bool,
            outside_care: bool,
            shape: MarkerShape,
            size: f32,
            color: Color,
            hit: Hit,
        }
        let mut evs: Vec<Ev> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            if !self.scale.contains(e.date) {
                continue;
            }
            let key = e.milestone.is_key_decision();
            let label = if self.options.pseudonymise {
                e.milestone.label().to_string()
            } else {
                e.label.to_string()
            };
            let outside_care = !self.child.care_periods.iter().any(|p| p.contains(e.date));
            let (shape, size, color) = palette::event_marker(e.milestone);
            let detail = match (&e.detail, self.options.pseudonymise) {
                (Some(d), false) => format!(" · {d}"),
                _ => String::new(),
            };
            evs.push(Ev {
                x: self.scale.x(e.date),
                hit: Hit {
                    target: HitTarget::Event { index: i },
                    label: format!(
                        "{label} · {}{}{detail}",
                        date_long(e.date),
                        if outside_care { " · outside care" } else { "" }
                    ),
                    source: Some(e.source),
                    text_row: self.chron_row(ChronologyRef::Event { index: i }),
                },
                label: fit(self.measure, &label, LABEL_SIZE, weight(key), 220.0),
                key,
                outside_care,
                shape,
                size,
                color,
            });
        }
        // Markers closer than their size are spread apart just enough not to overlap. When
        // there are more than the plot holds side by side, all of them are drawn smaller, so
        // that every marker stays inside the plot.
        const MARKER_GAP: f32 = 1.5;
        let bounds = (PLOT_LEFT, self.scale.x1);
        let k = shrink_to_fit(
            &evs.iter().map(|e| (e.x, e.size)).collect::<Vec<_>>(),
            MARKER_GAP,
            bounds,
        );
        for e in &mut evs {
            e.size *= k;
        }
        let spread = dodge(
            &evs.iter().map(|e| (e.x, e.size)).collect::<Vec<_>>(),
            MARKER_GAP * k,
            bounds,
        );
        for (e, x) in evs.iter_mut().zip(spread) {
            e.x = x;
        }
        let requests: Vec<LabelRequest> = evs
            .iter()
            .map(|e| LabelRequest {
                anchor: e.x,
                width: self.measure.width(&e.label, LABEL_SIZE, weight(e.key)) + 2.0 * LABEL_PAD,
                priority: u8::from(e.key),
            })
            .collect();
        let config = PlacerConfig {
            max_rows: self.options.max_label_rows.max(1),
            min_x: PLOT_LEFT - 4.0,
            max_x: self.options.width - 4.0,
            gap: 5.0,
            leader_clearance: 3.0,
        };
        let placed = place_labels(&requests, &config);
        self.hidden_labels = placed.iter().filter(|p| p.is_none()).count();
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        let top = self.y;
        let marker_y = top + 10.0 + rows as f32 * LABEL_ROW + 12.0;
        let bottom = marker_y + 12.0 + if self.hidden_labels > 0 { 12.0 } else { 0.0 };
        self.back.push(Item::Rect {
            rect: Rect::new(
                PLOT_LEFT - 8.0,
                top,
                self.options.width - PLOT_LEFT + 4.0,
                bottom - top,
            ),
            fill: Some(palette::BAND),
            pattern: None,
            stroke: None,
        });
        self.lane_header("Events", (top + bottom) / 2.0);
        if evs.is_empty() {
            self.text_styled(
                PLOT_LEFT,
                marker_y + 4.0,
                "no events recorded",
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
        }
        // Leaders first, then label boxes over them, then markers.
        let mut leaders = Vec::new();
        let mut labels = Vec::new();
        for (e, p) in evs.iter().zip(&placed) {
            let Some(p) = p else { continue };
            let baseline = marker_y - 12.0 - p.row as f32 * LABEL_ROW - 4.0;
            let b = text_box(
                p.x0 + LABEL_PAD,
                p.x1 - LABEL_PAD,
                baseline,
                LABEL_SIZE,
                LABEL_PAD,
            );
            let b = Rect::new(p.x0, b.y, p.x1 - p.x0, b.h);
            leaders.push(Item::Line {
                from: Point::new(e.x, b.bottom()),
                to: Point::new(e.x, marker_y - e.size / 2.0),
                stroke: Stroke::solid(palette::TICK, 1.0),
            });
            labels.push(Item::Rect {
                rect: b,
                fill: Some(palette::WHITE),
                pattern: None,
                stroke: Some(Stroke::solid(
                    if e.key {
                        palette::KEY
                    } else {
                        palette::SOFT_LINE
                    },
                    if e.key { 1.2 } else { 1.0 },
                )),
            });
            labels.push(Item::Text(TextItem {
                at: Point::new((p.x0 + p.x1) / 2.0, baseline),
                text: e.label.clone(),
                size: LABEL_SIZE,
                weight: weight(e.key),
                anchor: Anchor::Middle,
                color: if e.key {
                    palette::TEXT
                } else {
                    palette::REFERENCE
                },
            }));
            self.label_boxes.push(b);
            self.hits.push(HitRegion {
                rect: b,
                hit: e.hit.clone(),
            });
        }
        // Leaders go over the label boxes, so that one that must pass a lower label is never
        // hidden behind it.
        self.front.extend(labels);
        self.front.extend(leaders);
        for e in &evs {
            let (fill, stroke) = if e.outside_care {
                (Some(palette::WHITE), Some(Stroke::solid(e.color, 1.5)))
            } else {
                (Some(e.color), Some(Stroke::solid(palette::WHITE, 1.0)))
            };
            self.front.push(Item::Marker {
                at: Point::new(e.x, marker_y),
                size: e.size,
                shape: e.shape,
                fill,
                stroke,
            });
            self.hits.push(HitRegion {
                rect: Rect::new(e.x - e.size / 2.0, marker_y - e.size / 2.0, e.size, e.size)
                    .inflate(3.0),
                hit: e.hit.clone(),
            });
        }
        if self.hidden_labels > 0 {
            let note = format!(
                "{} not shown for lack of room: the chronology lists every event",
                plural(self.hidden_labels as i64, "label")
            );
            self.text_styled(
                self.options.width - RIGHT_MARGIN,
                bottom - 5.0,
                &note,
                SMALL_SIZE - 1.0,
                Weight::Regular,
                Anchor::End,
                palette::MUTED,
            );
        }
        self.y = bottom;
    }

    pub(super) fn stage_lane(&mut self) {
        let as_at = self.options.as_at;
        if self.stages.is_empty() {
            return;
        }
        let top = self.y;
        let right_limit = self.options.width - 8.0;
        let obstacles = self.obstacles();
        for (i, s) in self.stages.iter().enumerate() {
            let until = s.until();
            let days = s.days();
            let over = s.days_over();
            let xs = self.scale.x_clamped(s.start);
            let xe = self.scale.x_clamped(until).max(xs + 1.5);
            let y = self.y + (STAGE_ROW - STAGE_BAR) / 2.0;
            let bar = Rect::new(xs, y, xe - xs, STAGE_BAR);
            let target_x = s.target.as_ref().map(|t| self.scale.x(t.date));
            match (&s.target, target_x) {
                (Some(_), Some(tx)) => {
                    let split = tx.clamp(xs, xe);
                    if split > xs {
                        self.mid.push(Item::Rect {
                            rect: Rect::new(xs, y, split - xs, STAGE_BAR),
                            fill: Some(palette::WITHIN),
                            pattern: None,
                            stroke: None,
                        });
                    }
                    if xe > split {
                        self.mid.push(Item::Rect {
                            rect: Rect::new(split, y, xe - split, STAGE_BAR),
                            fill: Some(palette::VERMILLION),
                            pattern: Some(palette::over_pattern()),
                            stroke: None,
                        });
                    }
                    if tx >= self.scale.x0 && tx <= self.scale.x1 {
                        let strong = over > 0;
                        self.mid.push(Item::Line {
                            from: Point::new(tx, y - 5.0),
                            to: Point::new(tx, y + STAGE_BAR + 5.0),
                            stroke: Stroke::solid(
                                if strong { palette::KEY } else { palette::MUTED },
                                if strong { 2.0 } else { 1.5 },
                            ),
                        });
                        if tx > xe {
                            self.mid.push(Item::Line {
                                from: Point::new(xe, y + STAGE_BAR / 2.0),
                                to: Point::new(tx, y + STAGE_BAR / 2.0),
                                stroke: Stroke::dashed(palette::MUTED, 1.0, 2.0, 2.0),
                            });
                        }
                    }
                }
                _ => self.mid.push(Item::Rect {
                    rect: bar,
                    fill: Some(palette::NEUTRAL),
                    pattern: None,
                    stroke: None,
                }),
            }
            // Bracket ends: a cap at the start, and a cap or an arrow ("still running").
            let cap = |x: f32| Item::Line {
                from: Point::new(x, y - 3.0),
                to: Point::new(x, y + STAGE_BAR + 3.0),
                stroke: Stroke::solid(palette::REFERENCE, 1.5),
            };
            self.mid.push(cap(xs));
            if s.is_open() {
                self.mid.push(Item::Marker {
                    at: Point::new(xe + 4.0, y + STAGE_BAR / 2.0),
                    size: 10.0,
                    shape: MarkerShape::TriangleRight,
                    fill: Some(if over > 0 {
                        palette::VERMILLION
                    } else {
                        palette::WITHIN
                    }),
                    stroke: None,
                });
            } else {
                self.mid.push(cap(xe));
            }
            // The words: days, target, how far over.
            let so_far = if s.is_open() { " so far" } else { "" };
            let main = match &s.target {
                Some(t) => format!(
                    "{}: {}{so_far} · target {}",
                    s.label,
                    plural(days, "day"),
                    t.label
                ),
                None => format!(
                    "{}: {}{so_far} · no target set",
                    s.label,
                    plural(days, "day")
                ),
            };
            let tail = match &s.target {
                Some(_) if s.left_care() && over > 0 => Some((
                    format!("· {} over, then left care", plural(over, "day")),
                    true,
                )),
                Some(_) if over > 0 => Some((format!("· {} over", plural(over, "day")), true)),
                Some(_) if s.left_care() => Some(("· left care first".to_string(), false)),
                Some(t) if s.is_open() => {
                    let left = (t.date - as_at).num_days();
                    Some((format!("· due in {}", plural(left, "day")), false))
                }
                Some(_) => Some(("· within target".to_string(), false)),
                None if s.left_care() => Some(("· left care first".to_string(), false)),
                None => None,
            };
            // SVG drops leading spaces, so the tail starts after the main text plus a space.
            let tail_w = tail
                .as_ref()
                .map(|(t, strong)| self.measure.width(t, SMALL_SIZE, weight(*strong)))
                .unwrap_or(0.0);
            // On a narrow chart the stage's name is shortened so that the words fit (its
            // tooltip keeps them all).
            let room =
                right_limit - 8.0 - tail_w - self.measure.width(" ", SMALL_SIZE, Weight::Regular);
            let shown = fit(
                self.measure,
                &main,
                SMALL_SIZE,
                Weight::Regular,
                room.max(40.0),
            );
            let main_w = self
                .measure
                .width(&format!("{shown} "), SMALL_SIZE, Weight::Regular);
            let total = main_w + tail_w;
            let after = target_x
                .filter(|tx| *tx > xe && *tx <= self.scale.x1)
                .unwrap_or(xe)
                + if s.is_open() { 14.0 } else { 8.0 };
            let before = xs - 8.0;
            let baseline = y + STAGE_BAR / 2.0 + SMALL_SIZE * 0.35;
            // Beside the bar on the right, else on the left, where the words cross no
            // reference line and no gap in care; else the first side with room; else under
            // the bar.
            let clear = |x0: f32| !obstacles.iter().any(|&(a, b)| a < x0 + total && x0 < b);
            let right_fits = after + total <= right_limit;
            let left_fits = before - total >= 8.0;
            let (tx0, row_extra) = if right_fits && clear(after) {
                (after, 0.0)
            } else if left_fits && clear(before - total) {
                (before - total, 0.0)
            } else if right_fits {
                (after, 0.0)
            } else if left_fits {
                (before - total, 0.0)
            } else {
                ((xs + 2.0).min(right_limit - total).max(8.0), 16.0)
            };
            let baseline = baseline + row_extra;
            // On a white ground, so that a line or a shaded gap it does cross stays behind it.
            self.front.push(Item::Rect {
                rect: text_box(tx0, tx0 + total, baseline, SMALL_SIZE, 1.0),
                fill: Some(palette::WHITE.alpha(230)),
                pattern: None,
                stroke: None,
            });
            self.text_styled(
                tx0,
                baseline,
                &shown,
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::TEXT,
            );
            if let Some((t, strong)) = &tail {
                self.text_styled(
                    tx0 + main_w,
                    baseline,
                    t,
                    SMALL_SIZE,
                    weight(*strong),
                    Anchor::Start,
                    if *strong {
                        palette::OVER_TEXT
                    } else {
                        palette::MUTED
                    },
                );
            }
            let hit = Hit {
                target: HitTarget::Stage { index: i },
                label: format!(
                    "{main} {} · {} to {}",
                    tail.as_ref().map(|(t, _)| t.as_str()).unwrap_or(""),
                    date_long(s.start),
                    match (s.end, s.left_care()) {
                        (Some(end), _) => date_long(end),
                        (None, true) => format!("leaving care {}", date_long(s.until())),
                        (None, false) => "still running".into(),
                    }
                ),
                source: s.source,
                text_row: None,
            };
            self.hits.push(HitRegion {
                rect: Rect::new(xs, self.y, (xe - xs).max(4.0), STAGE_ROW),
                hit: hit.clone(),
            });
            self.hits.push(HitRegion {
                rect: text_box(tx0, tx0 + total, baseline, SMALL_SIZE, 1.0),
                hit,
            });
            self.y += STAGE_ROW + row_extra;
            self.y += self.forecast_row(i, s);
        }
        self.lane_header("Timescales", (top + self.y) / 2.0);
    }

    /// Under a stage still running at the "as at" date, its forecast as a bracket: a dotted
    /// line from the "as at" date, a dashed box over the middle half of the likely dates
    /// (25–75%), a hollow diamond at the likely date (the conditional median), and words that
    /// say it is a forecast. A stage whose curve never falls that far gets a dotted arrow to
    /// the edge and says so. Returns the height taken.
    pub(super) fn forecast_row(&mut self, index: usize, s: &StageBracket) -> f32 {
        let Some(f) = s.forecast.as_ref().filter(|_| s.is_open()) else {
            return 0.0;
        };
        let as_at = self.options.as_at;
        if !self.scale.contains(as_at) {
            return 0.0;
        }
        let top = self.y;
        let mid = top + FORECAST_ROW / 2.0 - 1.0;
        let x_as = self.scale.x(as_at);
        let dotted = Stroke::dashed(palette::REFERENCE, 1.2, 1.5, 2.5);
        let chance = match (f.chance_by_target, &s.target) {
            (Some(p), Some(_)) => format!("{p}% chance by the target date"),
            _ => match f.chance_90_days {
                Some(p) => format!("{p}% chance within 90 days"),
                None => String::new(),
            },
        };
        let mut words = match f.expected {
            Some(d) => format!("forecast: likely by {}", month_year(d)),
            None => "forecast: beyond what this data has seen".to_string(),
        };
        if let (Some(_), Some([a, b])) = (f.expected, f.range) {
            words.push_str(&format!(" (middle half {})", month_range(a, b)));
        }
        if !chance.is_empty() {
            words.push_str(&format!(" · {chance}"));
        }
        let (end_x, right) = match f.expected {
            Some(d) => {
                let xm = self.scale.x_clamped(d);
                let (xa, xb) = match f.range {
                    Some([a, b]) => (self.scale.x_clamped(a), self.scale.x_clamped(b)),
                    None => (xm, xm),
                };
                self.mid.push(Item::Line {
                    from: Point::new(x_as, mid),
                    to: Point::new(xa.max(x_as), mid),
                    stroke: dotted,
                });
                if xb > xa {
                    self.mid.push(Item::Rect {
                        rect: Rect::new(xa, mid - 5.0, xb - xa, 10.0),
                        fill: Some(palette::WHITE.alpha(200)),
                        pattern: None,
                        stroke: Some(Stroke::dashed(palette::REFERENCE, 1.0, 3.0, 2.0)),
                    });
                }
                // A range that runs on past the chart's end gets an arrow there.
                if f.range.is_some_and(|[_, b]| b > self.scale.end) {
                    self.mid.push(Item::Marker {
                        at: Point::new(xb + 3.0, mid),
                        size: 8.0,
                        shape: MarkerShape::TriangleRight,
                        fill: Some(palette::REFERENCE),
                        stroke: None,
                    });
                }
                self.mid.push(Item::Marker {
                    at: Point::new(xm, mid),
                    size: 10.0,
                    shape: MarkerShape::Diamond,
                    fill: Some(palette::WHITE),
                    stroke: Some(Stroke::solid(palette::KEY, 1.5)),
                });
                (xb.max(xm) + 5.0, xb.max(xm))
            }
            None => {
                let x1 = self.scale.x1;
                self.mid.push(Item::Line {
                    from: Point::new(x_as, mid),
                    to: Point::new(x1 - 6.0, mid),
                    stroke: dotted,
                });
                self.mid.push(Item::Marker {
                    at: Point::new(x1 - 4.0, mid),
                    size: 8.0,
                    shape: MarkerShape::TriangleRight,
                    fill: Some(palette::REFERENCE),
                    stroke: None,
                });
                (x_as, x1)
            }
        };
        let limit = self.options.width - 8.0;
        let words = fit(
            self.measure,
            &words,
            SMALL_SIZE,
            Weight::Regular,
            limit - 8.0,
        );
        let w = self.measure.width(&words, SMALL_SIZE, Weight::Regular);
        let baseline = mid + SMALL_SIZE * 0.35;
        // Beside the bracket, else before the "as at" date, else under the bracket.
        let (tx, extra) = if f.expected.is_some() && end_x + 4.0 + w <= limit {
            (end_x + 4.0, 0.0)
        } else if x_as - 8.0 - w >= PLOT_LEFT {
            (x_as - 8.0 - w, 0.0)
        } else {
            ((x_as).min(limit - w).max(8.0), 15.0)
        };
        let baseline = baseline + extra;
        let b = text_box(tx, tx + w, baseline, SMALL_SIZE, 1.0);
        self.front.push(Item::Rect {
            rect: b,
            fill: Some(palette::WHITE.alpha(220)),
            pattern: None,
            stroke: None,
        });
        self.text_styled(
            tx,
            baseline,
            &words,
            SMALL_SIZE,
            Weight::Regular,
            Anchor::Start,
            palette::REFERENCE,
        );
        self.label_boxes.push(b);
        let dates = match (f.expected, f.range) {
            (Some(d), Some([a, b])) => format!(
                "likely by {}; half of the likely dates fall between {} and {}",
                date_long(d),
                date_long(a),
                date_long(b)
            ),
            (Some(d), None) => format!("likely by {}", date_long(d)),
            _ => "later than anything this data has seen".to_string(),
        };
        let hit = Hit {
            target: HitTarget::Stage { index },
            label: format!(
                "Forecast for {}: {dates}{}. {} {}",
                s.label,
                if chance.is_empty() {
                    String::new()
                } else {
                    format!("; {chance}")
                },
                f.note,
                FORECAST_WORDS
            ),
            source: s.source,
            text_row: None,
        };
        self.hits.push(HitRegion {
            rect: Rect::new(x_as, top, (right - x_as).max(4.0), FORECAST_ROW),
            hit: hit.clone(),
        });
        self.hits.push(HitRegion { rect: b, hit });
        FORECAST_ROW + extra
    }

    /// What words in the lanes should not run over: the reference lines (as narrow spans)
    /// and the gaps between care periods.
    pub(super) fn obstacles(&self) -> Vec<(f32, f32)> {
        let mut out: Vec<(f32, f32)> = self
            .references
            .iter()
            .map(|r| {
                let x = self.scale.x(r.date);
                (x - 3.0, x + 3.0)
            })
            .collect();
        for w in self.child.care_periods.windows(2) {
            if let Some(end) = w[0].end.filter(|e| w[1].start > *e) {
                out.push((self.scale.x_clamped(end), self.scale.x_clamped(w[1].start)));
            }
        }
        out
    }

    /// Shades the time between care periods, from the top lane to the bottom.
    pub(super) fn care_gaps(&mut self) {
        let periods = &self.child.care_periods;
        let mut gaps = Vec::new();
        for (i, w) in periods.windows(2).enumerate() {
            if let Some(end) = w[0].end {
                if w[1].start > end {
                    gaps.push((i, end, w[1].start));
                }
            }
        }
        for (i, from, to) in gaps {
            let (x0, x1) = (self.scale.x_clamped(from), self.scale.x_clamped(to));
            if x1 - x0 < 1.0 {
                continue;
            }
            let rect = Rect::new(
                x0,
                self.lanes_top,
                x1 - x0,
                self.lanes_bottom - self.lanes_top,
            );
            self.back.push(Item::Rect {
                rect,
                fill: Some(palette::SHADE),
                pattern: Some(Pattern {
                    kind: PatternKind::BackDiagonal,
                    color: palette::GRID,
                    spacing: 8.0,
                }),
                stroke: None,
            });
            let length = duration_words(from, to);
            let room = x1 - x0 - 8.0;
            let label = [
                format!("not looked after · {length}"),
                "not looked after".into(),
                length,
            ]
            .into_iter()
            .find(|t| self.measure.width(t, SMALL_SIZE, Weight::Regular) <= room)
            .unwrap_or_default();
            if !label.is_empty() {
                self.back.push(Item::Text(TextItem {
                    at: Point::new(
                        (x0 + x1) / 2.0,
                        self.placement_top + PLACEMENT_BAR / 2.0 + SMALL_SIZE * 0.35,
                    ),
                    text: label,
                    size: SMALL_SIZE,
                    weight: Weight::Regular,
                    anchor: Anchor::Middle,
                    color: palette::MUTED,
                }));
            }
            self.hits.push(HitRegion {
                rect,
                hit: Hit {
                    target: HitTarget::CareGap { period: i },
                    label: format!(
                        "Not looked after from {} to {} ({})",
                        date_long(from),
                        date_long(to),
                        duration_words(from, to)
                    ),
                    source: None,
                    text_row: self.chron_row(ChronologyRef::CareEnd { period: i }),
                },
            });
        }
    }
}

/// The factor (at most 1) by which markers and the gap between them must shrink so that all
/// of `marks` ((x, size), in any order) fit side by side within `bounds`: what [`dodge`] needs
/// to keep every marker inside. It spreads a group no wider than the sum of its neighbours'
/// half sizes plus `gap`, so that sum over every mark is what must fit.
pub(super) fn shrink_to_fit(marks: &[(f32, f32)], gap: f32, bounds: (f32, f32)) -> f32 {
    let mut sizes: Vec<(f32, f32)> = marks.to_vec();
    crate::sort::stable_by(&mut sizes, |a, b| a.0.total_cmp(&b.0));
    let need: f32 = sizes
        .windows(2)
        .map(|w| (w[0].1 + w[1].1) / 2.0 + gap)
        .sum();
    let room = (bounds.1 - bounds.0).max(0.0);
    if need <= room {
        1.0
    } else {
        // A hair under the exact ratio, so that rounding cannot push the last one out.
        room / need * 0.999
    }
}

/// Spreads markers along a line so that none overlaps another: `marks` are (x, size) in any
/// order; markers closer than half their sizes plus `gap` are moved apart as a group centred
/// on their own positions, within `bounds`. Returns the new x of each mark, in the given order.
pub(super) fn dodge(marks: &[(f32, f32)], gap: f32, bounds: (f32, f32)) -> Vec<f32> {
    let mut order: Vec<usize> = (0..marks.len()).collect();
    crate::sort::stable_by(&mut order, |&a, &b| {
        marks[a].0.total_cmp(&marks[b].0).then(a.cmp(&b))
    });
    // Clusters of consecutive marks (in x order): the first and last position in `order`
    // and the x of the first mark; each mark's offset from it is fixed by the sizes.
    let mut offset = vec![0.0f32; marks.len()];
    let mut clusters: Vec<(usize, usize, f32)> = Vec::new();
    let sep = |a: usize, b: usize| (marks[a].1 + marks[b].1) / 2.0 + gap;
    for (k, &i) in order.iter().enumerate() {
        clusters.push((k, k, marks[i].0));
        loop {
            let n = clusters.len();
            if n < 2 {
                break;
            }
            let (pf, pl, pleft) = clusters[n - 2];
            let (cf, cl, cleft) = clusters[n - 1];
            let prev_last = order[pl];
            let cur_first = order[cf];
            if pleft + offset[prev_last] + sep(prev_last, cur_first) <= cleft + 1e-3 {
                break;
            }
            // Merge: offsets from the first, then centre the group on its marks' own x.
            for m in pf + 1..=cl {
                offset[order[m]] = offset[order[m - 1]] + sep(order[m - 1], order[m]);
            }
            let members = (cl - pf + 1) as f32;
            let mut left = (pf..=cl)
                .map(|m| marks[order[m]].0 - offset[order[m]])
                .sum::<f32>()
                / members;
            let width = offset[order[cl]];
            left = left.min(bounds.1 - width).max(bounds.0);
            clusters.truncate(n - 2);
            clusters.push((pf, cl, left));
        }
    }
    let mut out = vec![0.0; marks.len()];
    for (first, last, left) in clusters {
        for &i in &order[first..=last] {
            out[i] = left + offset[i];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{dodge, shrink_to_fit};

    #[test]
    fn markers_that_fit_keep_their_size_and_stay_apart() {
        // Two 10 px markers 5 px apart need 10 + 1.5 between centres: each moves 3.25 px.
        let marks = [(100.0, 10.0), (105.0, 10.0)];
        assert_eq!(shrink_to_fit(&marks, 1.5, (0.0, 500.0)), 1.0);
        let xs = dodge(&marks, 1.5, (0.0, 500.0));
        assert!(
            (xs[0] - 96.75).abs() < 1e-4 && (xs[1] - 108.25).abs() < 1e-4,
            "{xs:?}"
        );
    }

    #[test]
    fn too_many_markers_for_the_plot_are_shrunk_and_all_stay_inside() {
        // 41 markers of 10 px on one day need 40 × 11.5 = 460 px between the first and last
        // centres; the plot from 124 to 424 has 300, so each shrinks to under 300/460.
        let marks = vec![(420.0, 10.0); 41];
        let bounds = (124.0, 424.0);
        let k = shrink_to_fit(&marks, 1.5, bounds);
        assert!(k < 300.0 / 460.0 && k > 0.99 * 300.0 / 460.0, "{k}");
        let shrunk: Vec<(f32, f32)> = marks.iter().map(|&(x, s)| (x, s * k)).collect();
        let mut xs = dodge(&shrunk, 1.5 * k, bounds);
        crate::sort::stable_by(&mut xs, f32::total_cmp);
        assert!(
            xs[0] >= bounds.0 && xs[40] <= bounds.1,
            "{} … {}",
            xs[0],
            xs[40]
        );
        for w in xs.windows(2) {
            assert!(w[1] - w[0] >= 11.5 * k - 1e-3, "{w:?} overlap");
        }
    }
}
