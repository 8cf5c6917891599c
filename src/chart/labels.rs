//! Label stacking: each label is measured and put on the lowest free row above its anchor,
//! with a vertical leader line down to the anchor, so that no two labels overlap and no
//! leader line crosses another label.
//!
//! This module owns the one-dimensional packing (x intervals on numbered rows). Callers turn
//! rows into y positions and draw the boxes and leaders.

/// A label to place: the x of the thing it names, and its width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelRequest {
    pub anchor: f32,
    pub width: f32,
    /// Higher priorities are placed first and so get the lower rows.
    pub priority: u8,
}

/// Where a label went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedLabel {
    /// 0 is the row nearest the anchors.
    pub row: usize,
    pub x0: f32,
    pub x1: f32,
}

/// Limits for [`place_labels`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacerConfig {
    /// Labels that fit on no row below this are left out (the caller says how many).
    pub max_rows: usize,
    /// Labels stay within `min_x..max_x`.
    pub min_x: f32,
    pub max_x: f32,
    /// Horizontal space kept between two labels on a row.
    pub gap: f32,
    /// Horizontal space kept between a label and another label's leader line.
    pub leader_clearance: f32,
}

impl Default for PlacerConfig {
    fn default() -> Self {
        PlacerConfig {
            max_rows: 10,
            min_x: 0.0,
            max_x: f32::MAX,
            gap: 6.0,
            leader_clearance: 3.0,
        }
    }
}

/// Places every label on the lowest row where it fits: centred on its anchor if possible,
/// else starting or ending just beside it, else shifted along the row as little as needed
/// (always still above its anchor). Labels never overlap each other and never cover another
/// label's leader line. A placement whose leader would pass behind a lower label, or whose box
/// would sit over markers still waiting for their labels, costs extra, so such placements are
/// taken only when nothing cleaner fits within a couple of rows. Returns one entry per
/// request, `None` for a label that fits on no row below `max_rows`.
pub fn place_labels(requests: &[LabelRequest], config: &PlacerConfig) -> Vec<Option<PlacedLabel>> {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    crate::sort::stable_by(&mut order, |&a, &b| {
        let (ra, rb) = (&requests[a], &requests[b]);
        rb.priority
            .cmp(&ra.priority)
            .then(ra.anchor.total_cmp(&rb.anchor))
            .then(a.cmp(&b))
    });
    let mut rows: Vec<Row> = Vec::new();
    let mut out = vec![None; requests.len()];
    let mut pending = vec![true; requests.len()];
    for i in order {
        pending[i] = false;
        let req = requests[i];
        let width = req.width.max(0.0);
        if width > config.max_x - config.min_x || !width.is_finite() || !req.anchor.is_finite() {
            continue;
        }
        let leader = (req.anchor - 0.5, req.anchor + 0.5);
        let candidates = candidates(req.anchor, width, config);
        let mut best: Option<(u32, PlacedLabel)> = None;
        let mut crossing = false;
        for row in 0..config.max_rows {
            let row_cost = row as u32 * COST_ROW;
            if best.is_some_and(|(c, _)| c <= row_cost) {
                break;
            }
            if row > 0
                && rows
                    .get(row - 1)
                    .is_some_and(|r| r.boxes_hit(leader.0, leader.1))
            {
                crossing = true;
            }
            for &x0 in &candidates {
                let x1 = x0 + width;
                let free = match rows.get(row) {
                    None => true,
                    Some(r) => {
                        !r.boxes_hit(x0 - config.gap, x1 + config.gap)
                            && !r.leaders_hit(
                                x0 - config.leader_clearance,
                                x1 + config.leader_clearance,
                            )
                    }
                };
                if !free {
                    continue;
                }
                let covered = requests
                    .iter()
                    .zip(&pending)
                    .filter(|(r, p)| **p && r.anchor > x0 && r.anchor < x1)
                    .count() as u32;
                let cost = row_cost
                    + if crossing { COST_CROSSING } else { 0 }
                    + covered.min(4) * COST_COVER;
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, PlacedLabel { row, x0, x1 }));
                }
            }
        }
        if let Some((_, placed)) = best {
            while rows.len() <= placed.row {
                rows.push(Row::default());
            }
            rows[placed.row].boxes.push((placed.x0, placed.x1));
            for r in rows.iter_mut().take(placed.row) {
                r.leaders.push(leader);
            }
            out[i] = Some(placed);
        }
    }
    out
}

const COST_ROW: u32 = 10;
const COST_CROSSING: u32 = 25;
const COST_COVER: u32 = 4;

#[derive(Default)]
struct Row {
    boxes: Vec<(f32, f32)>,
    leaders: Vec<(f32, f32)>,
}

impl Row {
    fn boxes_hit(&self, a: f32, b: f32) -> bool {
        self.boxes.iter().any(|(s, e)| *s < b && a < *e)
    }

    fn leaders_hit(&self, a: f32, b: f32) -> bool {
        self.leaders.iter().any(|(s, e)| *s < b && a < *e)
    }
}

/// Candidate left edges, best first: centred, beside the anchor on the right, beside it on
/// the left, then further shifts that keep the anchor under the label. All are clamped into
/// the allowed range.
fn candidates(anchor: f32, width: f32, config: &PlacerConfig) -> Vec<f32> {
    let lo = config.min_x;
    let hi = (config.max_x - width).max(lo);
    let mut c = vec![
        anchor - width / 2.0,
        anchor - 6.0,
        anchor + 6.0 - width,
        anchor - width * 0.25,
        anchor - width * 0.75,
        anchor - 2.0,
        anchor + 2.0 - width,
    ];
    for x in &mut c {
        *x = x.clamp(lo, hi);
    }
    let mut unique: Vec<f32> = Vec::with_capacity(c.len());
    for x in c {
        if !unique.iter().any(|u| (u - x).abs() < 0.01) {
            unique.push(x);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(anchor: f32, width: f32) -> LabelRequest {
        LabelRequest {
            anchor,
            width,
            priority: 0,
        }
    }

    #[test]
    fn far_apart_labels_share_the_first_row() {
        let placed = place_labels(
            &[req(50.0, 40.0), req(200.0, 40.0)],
            &PlacerConfig::default(),
        );
        assert_eq!(placed[0].map(|p| p.row), Some(0));
        assert_eq!(placed[1].map(|p| p.row), Some(0));
        assert_eq!(placed[0].map(|p| p.x0), Some(30.0));
    }

    #[test]
    fn crowded_labels_stack_and_key_decisions_go_first() {
        let mut key = req(104.0, 80.0);
        key.priority = 1;
        let placed = place_labels(&[req(100.0, 80.0), key], &PlacerConfig::default());
        assert_eq!(placed[1].map(|p| p.row), Some(0));
        assert_eq!(placed[0].map(|p| p.row), Some(1));
    }

    #[test]
    fn labels_that_fit_nowhere_are_left_out() {
        let config = PlacerConfig {
            max_rows: 1,
            ..PlacerConfig::default()
        };
        let placed = place_labels(&[req(100.0, 80.0), req(101.0, 80.0)], &config);
        assert!(placed[0].is_some());
        assert_eq!(placed[1], None);
    }

    #[test]
    fn labels_stay_in_bounds() {
        let config = PlacerConfig {
            min_x: 10.0,
            max_x: 300.0,
            ..PlacerConfig::default()
        };
        let placed = place_labels(&[req(12.0, 60.0), req(299.0, 60.0)], &config);
        assert_eq!(placed[0].map(|p| p.x0), Some(10.0));
        assert_eq!(placed[1].map(|p| p.x1), Some(300.0));
    }
}
