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
                if let Some(n) = p.move_number {
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
                    l.category.label(),
                    date_long(l.start),
                    l.end.map(date_long).unwrap_or_else(|| "now".into())
                ),
                source: Some(l.source),
                text_row: self.chron_row(ChronologyRef::Legal { index: i }),
            };
            let rect = Rect::new(x0, 0.0, (x1 - x0).max(1.5), LEGAL_BAR);
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
            self.mid.push(Item::Rect {
                rect: r,
                fill: Some(bar.fill),
                pattern: bar.pattern,
                stroke: Some(Stroke::solid(palette::WHITE, 1.0)),
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
        self.front.extend(leaders);
        self.front.extend(labels);
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
            let main_w = self
                .measure
                .width(&format!("{main} "), SMALL_SIZE, Weight::Regular);
            let tail_w = tail
                .as_ref()
                .map(|(t, strong)| self.measure.width(t, SMALL_SIZE, weight(*strong)))
                .unwrap_or(0.0);
            let total = main_w + tail_w;
            let after = target_x
                .filter(|tx| *tx > xe && *tx <= self.scale.x1)
                .unwrap_or(xe)
                + if s.is_open() { 14.0 } else { 8.0 };
            let before = xs - 8.0;
            let baseline = y + STAGE_BAR / 2.0 + SMALL_SIZE * 0.35;
            let (tx0, row_extra) = if after + total <= right_limit {
                (after, 0.0)
            } else if before - total >= 8.0 {
                (before - total, 0.0)
            } else {
                ((xs + 2.0).min(right_limit - total).max(8.0), 16.0)
            };
            let baseline = baseline + row_extra;
            self.text_styled(
                tx0,
                baseline,
                &main,
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
        }
        self.lane_header("Timescales", (top + self.y) / 2.0);
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
