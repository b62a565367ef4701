//! Clipping lines at the frame of the axes, in axis space (log10 applied on log axes), so a
//! line leaving fixed limits stops at the frame as in matplotlib.

use std::ops::Range;

use crate::style::Scale;

/// The plotting rectangle in axis space (log10 applied on log axes), for clipping lines.
pub(crate) struct Bounds {
    x: (f64, f64),
    y: (f64, f64),
    xlog: bool,
    ylog: bool,
}

impl Bounds {
    pub(crate) fn new(x: &Range<f64>, y: &Range<f64>, xs: Scale, ys: Scale) -> Self {
        let t = |v: f64, log: bool| if log { v.log10() } else { v };
        let (xlog, ylog) = (xs == Scale::Log, ys == Scale::Log);
        Self {
            x: (t(x.start, xlog), t(x.end, xlog)),
            y: (t(y.start, ylog), t(y.end, ylog)),
            xlog,
            ylog,
        }
    }

    pub(crate) fn to_axis_space(&self, (x, y): (f64, f64)) -> Option<(f64, f64)> {
        let t = |v: f64, log: bool| {
            if log {
                (v > 0.0).then(|| v.log10())
            } else {
                Some(v)
            }
        };
        let p = (t(x, self.xlog)?, t(y, self.ylog)?);
        (p.0.is_finite() && p.1.is_finite()).then_some(p)
    }

    fn to_data(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let t = |v: f64, log: bool| if log { 10f64.powf(v) } else { v };
        (t(x, self.xlog), t(y, self.ylog))
    }

    /// Splits a polyline into the visible pieces, cutting segments at the frame
    /// (Liang–Barsky in axis space) and at non-finite points.
    pub(crate) fn clip(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let axis: Vec<Option<(f64, f64)>> = points.iter().map(|p| self.to_axis_space(*p)).collect();
        let mut flush = |current: &mut Vec<(f64, f64)>| {
            if !current.is_empty() {
                pieces.push(std::mem::take(current));
            }
        };
        if axis.len() == 1
            && let Some(p) = axis[0]
            && self.contains(p)
        {
            current.push(self.to_data(p));
        }
        for w in axis.windows(2) {
            match (w[0], w[1]) {
                (Some(a), Some(b)) => match self.clip_segment(a, b) {
                    Some((ca, cb)) => {
                        let start = self.to_data(ca);
                        if current.last() != Some(&start) {
                            flush(&mut current);
                            current.push(start);
                        }
                        current.push(self.to_data(cb));
                        if cb != b {
                            flush(&mut current);
                        }
                    }
                    None => flush(&mut current),
                },
                _ => flush(&mut current),
            }
        }
        flush(&mut current);
        pieces
    }

    pub(crate) fn contains(&self, (x, y): (f64, f64)) -> bool {
        let within = |v: f64, (lo, hi): (f64, f64)| v >= lo.min(hi) && v <= lo.max(hi);
        within(x, self.x) && within(y, self.y)
    }

    fn clip_segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (xlo, xhi) = (self.x.0.min(self.x.1), self.x.0.max(self.x.1));
        let (ylo, yhi) = (self.y.0.min(self.y.1), self.y.0.max(self.y.1));
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - xlo),
            (dx, xhi - a.0),
            (-dy, a.1 - ylo),
            (dy, yhi - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        (t0 <= t1).then_some({
            (
                (a.0 + t0 * dx, a.1 + t0 * dy),
                (a.0 + t1 * dx, a.1 + t1 * dy),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_cuts_lines_at_the_frame() {
        let b = Bounds::new(&(1.0..10.0), &(0.3..0.9), Scale::Linear, Scale::Linear);
        let pieces = b.clip(&[(1.0, 1.1), (2.0, 0.7), (3.0, 0.6)]);
        assert_eq!(pieces.len(), 1);
        let first = pieces[0][0];
        assert!((first.1 - 0.9).abs() < 1e-12 && first.0 > 1.0 && first.0 < 2.0);
        assert_eq!(*pieces[0].last().unwrap(), (3.0, 0.6));
    }

    #[test]
    fn log_axes_drop_non_positive_points() {
        let b = Bounds::new(&(1.0..4.0), &(1e-3..1e2), Scale::Linear, Scale::Log);
        let pieces = b.clip(&[(1.0, 1.0), (2.0, 0.0), (3.0, 1.0), (4.0, 0.1)]);
        assert_eq!(pieces, vec![vec![(3.0, 1.0), (4.0, 0.1)]]);
    }
}
