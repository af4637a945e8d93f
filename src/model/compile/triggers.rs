//! Triggers: the conditions (`when`, `release`) under which an action is
//! decided or undone — a metric of a channel or pool over a trailing window
//! against a threshold, held for a time.

use crate::model::{DAY_S, Metric, Trigger};
use crate::scenario::Condition;

use super::checker::Checker;

impl Checker<'_> {
    /// Checks a trigger condition.
    pub(super) fn condition(
        &mut self,
        path: &str,
        c: &Condition,
        channel_names: &[&str],
        pool_names: &[&str],
        interval_s: f64,
    ) -> Option<Trigger> {
        let names: Vec<&str> = Metric::ALL.iter().map(|(n, _)| *n).collect();
        let metric = self
            .resolve(&format!("{path}.metric"), "metric", &c.metric, &names)
            .map(|i| Metric::ALL[i].1);
        let target = match metric {
            Some(m) if m.on_pool() => {
                if c.channel.is_some() {
                    self.err(
                        format!("{path}.channel"),
                        format!("`{}` is measured on a pool: give `pool`", c.metric),
                    );
                }
                match &c.pool {
                    Some(p) => self.resolve(&format!("{path}.pool"), "pool", p, pool_names),
                    None => {
                        self.err(
                            path.to_string(),
                            format!("missing `pool`: `{}` is measured on a pool", c.metric),
                        );
                        None
                    }
                }
            }
            Some(_) => {
                if c.pool.is_some() {
                    self.err(
                        format!("{path}.pool"),
                        format!("`{}` is measured on a channel: give `channel`", c.metric),
                    );
                }
                match &c.channel {
                    Some(ch) => {
                        self.resolve(&format!("{path}.channel"), "channel", ch, channel_names)
                    }
                    None => {
                        self.err(
                            path.to_string(),
                            format!("missing `channel`: `{}` is measured on a channel", c.metric),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        let (below, threshold) = match (c.below, c.above) {
            (Some(x), None) => (true, x),
            (None, Some(x)) => (false, x),
            _ => {
                self.err_hint(
                    path.to_string(),
                    "give exactly one of `below` and `above`",
                    "e.g. below = 0.6".into(),
                );
                (true, f64::NAN)
            }
        };
        if !threshold.is_finite() && (c.below.is_some() != c.above.is_some()) {
            self.err(path.to_string(), "the threshold must be a number");
        }
        let window_s = c.window.map_or(DAY_S, |d| d.secs());
        if window_s < interval_s {
            self.err_hint(
                format!("{path}.window"),
                format!(
                    "shorter than the reporting interval ({})",
                    crate::units::human_duration(interval_s)
                ),
                "triggers are checked at the end of each reporting interval, over whole intervals"
                    .into(),
            );
        }
        let window = ((window_s / interval_s).round() as usize).max(1);
        let hold = (c.hold.map_or(0.0, |d| d.secs()) / interval_s).round() as usize + 1;
        Some(Trigger {
            metric: metric?,
            target: target?,
            below,
            threshold,
            window,
            hold,
        })
    }
}
