//! The timeline's top: the titles (the headline and what is drawn), the reference band
//! of birth, care starts and ends and the "as at" date, their lines, and the child's age.

use super::*;

impl Builder<'_> {
    pub(super) fn titles(&mut self) {
        let as_at = self.options.as_at;
        let periods = &self.child.care_periods;
        let moves: u32 = periods.iter().map(|p| p.moves).sum();
        let days: i64 = periods
            .iter()
            .map(|p| {
                (p.end.unwrap_or(as_at).min(as_at) - p.start)
                    .num_days()
                    .max(0)
            })
            .sum();
        let looked_after = match periods.as_slice() {
            [] => None,
            [p] => Some(duration_words(p.start, p.end.unwrap_or(as_at).min(as_at))),
            _ => Some(days_words(days)),
        };
        let mut title = self.name();
        match looked_after {
            Some(words) => {
                title.push_str(&format!(
                    " · {words} looked after · {}",
                    plural(i64::from(moves), "move")
                ));
                if periods.len() > 1 {
                    title.push_str(&format!(" · {} care periods", periods.len()));
                }
            }
            None => title.push_str(" · no care period recorded"),
        }
        let mut sub: Vec<String> = Vec::new();
        match self.child.date_of_birth {
            Some(dob) if dob <= as_at => {
                let age = duration_words(dob, as_at);
                if self.options.pseudonymise {
                    sub.push(format!("Aged {age} on {}", date_long(as_at)));
                } else {
                    sub.push(format!(
                        "Born {} · aged {age} on {}",
                        date_long(dob),
                        date_long(as_at)
                    ));
                }
            }
            _ => sub.push(format!("As at {}", date_long(as_at))),
        }
        if let (Some(dob), Some(first)) = (self.child.date_of_birth, periods.first()) {
            if dob <= first.start {
                sub.push(format!(
                    "first looked after aged {}",
                    duration_words(dob, first.start)
                ));
            }
        }
        match periods.last() {
            Some(p) if p.end.is_some_and(|e| e <= as_at) => {
                sub.push(format!("left care {}", date_long(p.end.unwrap_or(as_at))))
            }
            Some(_) => sub.push("still looked after".to_string()),
            None => {}
        }
        if self.options.pseudonymise {
            sub.push("pseudonymised".to_string());
        }
        let subtitle = sub.join(" · ");
        self.y = 30.0;
        // On a narrow chart the words are shortened to fit (the description keeps them all).
        let room = self.options.width - 48.0;
        let t = fit(self.measure, &title, TITLE_SIZE, Weight::Bold, room);
        self.text(24.0, self.y, &t, TITLE_SIZE, Weight::Bold);
        self.y += 20.0;
        let shown = fit(
            self.measure,
            &subtitle,
            SUBTITLE_SIZE,
            Weight::Regular,
            room,
        );
        self.text_styled(
            24.0,
            self.y,
            &shown,
            SUBTITLE_SIZE,
            Weight::Regular,
            Anchor::Start,
            palette::MUTED,
        );
        self.y += 14.0;
        self.description = format!(
            "{subtitle}. Placements, legal status, {} events and {} timescale stages on one date axis from {} to {}. The chronology table lists every entry.",
            self.child.all_events().count(),
            self.stages.len(),
            date_long(self.scale.start),
            date_long(self.scale.end)
        );
        self.title = title;
    }

    /// Collects the reference lines and stacks their labels in a band above the lanes.
    pub(super) fn reference_band(&mut self) {
        let as_at = self.options.as_at;
        let dash = |c: Color| Stroke::dashed(c, 1.2, 5.0, 3.0);
        let mut refs: Vec<Reference> = Vec::new();
        if let (Some(dob), false) = (self.child.date_of_birth, self.options.pseudonymise) {
            refs.push(Reference {
                date: dob,
                label: "birth".into(),
                stroke: Stroke::solid(palette::MUTED, 1.0),
            });
        }
        let n = self.child.care_periods.len();
        for (i, p) in self.child.care_periods.iter().enumerate() {
            let label = if n > 1 && i > 0 {
                format!("looked after again {}", date_long(p.start))
            } else {
                format!("became looked after {}", date_long(p.start))
            };
            refs.push(Reference {
                date: p.start,
                label,
                stroke: dash(palette::REFERENCE),
            });
            if let Some(e) = p.end.filter(|e| *e <= as_at) {
                refs.push(Reference {
                    date: e,
                    label: format!("left care {}", date_long(e)),
                    stroke: dash(palette::REFERENCE),
                });
            }
        }
        refs.push(Reference {
            date: as_at,
            label: format!("as at {}", date_long(as_at)),
            stroke: Stroke::dashed(palette::VERMILLION, 1.2, 2.0, 3.0),
        });
        refs.retain(|r| self.scale.contains(r.date));
        let requests: Vec<LabelRequest> = refs
            .iter()
            .map(|r| LabelRequest {
                anchor: self.scale.x(r.date),
                width: self.measure.width(&r.label, SMALL_SIZE, Weight::Regular),
                priority: 0,
            })
            .collect();
        let config = PlacerConfig {
            max_rows: 4,
            min_x: PLOT_LEFT - 20.0,
            max_x: self.options.width - 6.0,
            gap: 10.0,
            leader_clearance: 4.0,
        };
        let placed = place_labels(&requests, &config);
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        self.y += 6.0;
        self.reference_top = self.y + rows as f32 * 16.0;
        self.references = refs;
        self.reference_rows = placed;
        self.y = self.reference_top + 2.0;
    }

    /// Draws the reference lines and their labels, from the label band to the axis.
    pub(super) fn reference_lines(&mut self) {
        let refs = std::mem::take(&mut self.references);
        let placed = std::mem::take(&mut self.reference_rows);
        for (r, p) in refs.iter().zip(&placed) {
            let x = self.scale.x(r.date);
            let top = match p {
                Some(p) => {
                    let baseline = self.reference_top - p.row as f32 * 16.0 - 4.0;
                    let mid = (p.x0 + p.x1) / 2.0;
                    let color = if r.stroke.color == palette::VERMILLION {
                        palette::OVER_TEXT
                    } else {
                        palette::TEXT
                    };
                    self.text_styled(
                        mid,
                        baseline,
                        &r.label,
                        SMALL_SIZE,
                        Weight::Regular,
                        Anchor::Middle,
                        color,
                    );
                    let b = text_box(p.x0, p.x1, baseline, SMALL_SIZE, 0.0);
                    self.label_boxes.push(b);
                    b.bottom() + 1.0
                }
                None => self.reference_top,
            };
            self.lines.push(Item::Line {
                from: Point::new(x, top),
                to: Point::new(x, self.lanes_bottom),
                stroke: r.stroke,
            });
        }
        self.references = refs;
    }

    /// Marks the child's birthdays along the top, with silhouettes that grow with age.
    pub(super) fn age_band(&mut self) {
        let Some(dob) = self.child.date_of_birth else {
            return;
        };
        let mut marks: Vec<(u32, NaiveDate)> = Vec::new();
        for n in 1..=25u32 {
            let Some(mut d) = birthday(dob, n) else { break };
            if self.options.pseudonymise {
                d = d.with_day(1).unwrap_or(d);
            }
            if d > self.scale.end {
                break;
            }
            if d >= self.scale.start {
                marks.push((n, d));
            }
        }
        let top = self.y;
        let tallest = marks
            .iter()
            .map(|(n, _)| figure_height(*n))
            .fold(0.0, f32::max);
        let band = if marks.is_empty() { 0.0 } else { tallest + 8.0 };
        let base = top + band - 2.0;
        // Label every birthday, or every second or fifth one when they crowd.
        let spacing = 365.25 / self.scale.days() as f32 * (self.scale.x1 - self.scale.x0);
        let every = [1u32, 2, 5]
            .into_iter()
            .find(|k| spacing * *k as f32 >= 64.0)
            .unwrap_or(10);
        for (n, d) in marks {
            let x = self.scale.x(d);
            self.back.push(Item::Line {
                from: Point::new(x, top + 2.0),
                to: Point::new(x, f32::MAX),
                stroke: Stroke::solid(palette::GRID, 1.0),
            });
            if n % every != 0 && every > 1 {
                continue;
            }
            let h = figure_height(n);
            let label = format!("age {n}");
            // The figure and its words go right of the birthday's line, or left of it when
            // they would run off the chart's right edge.
            let w = self.measure.width(&label, SMALL_SIZE, Weight::Regular);
            let fits_right = x + 8.0 + h * 0.45 + w <= self.options.width - 4.0;
            let (figure_x, text_x, anchor) = if fits_right {
                (x + 4.0 + h * 0.22, x + 8.0 + h * 0.45, Anchor::Start)
            } else {
                (x - 4.0 - h * 0.22, x - 8.0 - h * 0.45, Anchor::End)
            };
            silhouette(&mut self.front, figure_x, base, h, n);
            self.text_styled(
                text_x,
                base - 1.0,
                &label,
                SMALL_SIZE,
                Weight::Regular,
                anchor,
                palette::MUTED,
            );
        }
        self.y = top + band + 4.0;
    }
}
