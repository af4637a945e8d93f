//! Policy comparison: the base scenario and its variants (or two scenario
//! files) run on the same replications with the same seed, so replication
//! `r` sees the same callers, handle times, patience and demand factors in
//! every arm (common random numbers: every random quantity comes from a
//! stream keyed by seed, replication and process). Differences are then
//! taken per replication (paired), which removes the noise the arms share.
//!
//! Everything here is a pure function of the replication records.

use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, RepRecord, TOPIC_KPIS, TOTAL_KPIS, index_of};
use crate::model::{ChannelKind, Model};
use crate::stats::{Stat, t_quantile_975};

/// One arm of a comparison: the base or a variant, and its replications.
#[derive(Debug, Clone)]
pub struct Arm {
    /// `base` or the variant's name (or a file's stem).
    pub name: String,
    /// What it is.
    pub description: String,
    /// What it changes, as written in the scenario.
    pub changes: Vec<String>,
    /// The compiled model.
    pub model: Model,
    /// Replication records, in replication order.
    pub records: Vec<RepRecord>,
}

/// Which way is better for a KPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// More is better (service levels, answered contacts).
    Higher,
    /// Less is better (waits, abandonment, backlogs, cost).
    Lower,
    /// Neither (volumes, staff on duty): no "better" share.
    Neither,
}

/// The direction of a KPI key.
pub fn better(key: &str) -> Better {
    const HIGHER: &[&str] = &[
        "service_level",
        "service_level_offered",
        "service_level_answered",
        "overall_service_level",
        "answered_contacts",
        "callbacks_kept_share",
        "service_level_with_callbacks",
        "target_met",
        "handled_contacts",
    ];
    const LOWER: &[&str] = &[
        "abandoned_contacts",
        "blocked_contacts",
        "turned_away_contacts",
        "waiting_at_end_contacts",
        "late_at_end_contacts",
        "waiting_at_end_share",
        "backlog_clear_days",
        "callbacks_owed_at_end_contacts",
        "callback_wait_mean_s",
        "callback_wait_p90_s",
        "callback_wait_max_s",
        "callback_working_wait_mean_s",
        "callback_working_wait_p90_s",
        "callback_working_wait_max_s",
        "redial_attempts",
        "switched_out_contacts",
        "unstaffed_contacts",
        "p_wait",
        "p_abandon",
        "p_block",
        "asa_s",
        "wait_max_s",
        "queue_mean_contacts",
        "queue_max_contacts",
        "capacity_cost",
        "days_below_target",
        "sl_recovery_day",
        "worst_day_asa_s",
        "lost_contacts",
        "staff_cost",
        "hiring_cost",
        "total_cost",
        "cost_per_handled_contact",
        "overloaded_days",
        "overload_leavers",
    ];
    if HIGHER.contains(&key) {
        Better::Higher
    } else if LOWER.contains(&key) {
        Better::Lower
    } else {
        Better::Neither
    }
}

/// What a compared KPI is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A channel KPI.
    Channel,
    /// A topic KPI.
    Topic,
    /// A pool KPI.
    Pool,
    /// A KPI of the whole agency.
    Total,
}

impl Scope {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Channel => "channel",
            Scope::Topic => "topic",
            Scope::Pool => "pool",
            Scope::Total => "total",
        }
    }
}

/// A KPI compared across arms.
#[derive(Debug, Clone)]
pub struct KpiRef {
    /// Channel, topic, pool or total.
    pub scope: Scope,
    /// The channel's, topic's or pool's name (`all` for totals).
    pub name: String,
    /// KPI key.
    pub key: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Which way is better.
    pub better: Better,
    /// Per arm: the entity's index in that arm's model (`None`: the arm
    /// lacks it), and the KPI's index.
    index: Vec<Option<usize>>,
    kpi: usize,
}

/// The share of contacts served on time, all public-facing channels
/// together (see [`TOTAL_KPIS`]).
pub const OVERALL_SL: &str = "overall_service_level";

impl KpiRef {
    /// The KPI's value in one replication of arm `a`.
    pub fn value(&self, a: usize, rec: &RepRecord) -> f64 {
        let Some(i) = self.index.get(a).copied().flatten() else {
            return f64::NAN;
        };
        match self.scope {
            Scope::Channel => rec.channel_kpis[i][self.kpi],
            Scope::Topic => rec.topic_kpis[i][self.kpi],
            Scope::Pool => rec.pool_kpis[i][self.kpi],
            Scope::Total => rec.total_kpis[self.kpi],
        }
    }

    /// `scope.name.kpi`, e.g. `channel.hotline.service_level`.
    pub fn id(&self) -> String {
        format!("{}.{}.{}", self.scope.as_str(), self.name, self.key)
    }
}

fn overall_service_level(rec: &RepRecord) -> f64 {
    index_of(TOTAL_KPIS, OVERALL_SL).map_or(f64::NAN, |k| rec.total_kpis[k])
}

/// The KPIs every arm is compared on: those of the base's channels, topics
/// and pools (matched by name in the other arms), the totals, and the
/// overall service level.
pub fn kpis(arms: &[Arm]) -> Vec<KpiRef> {
    let base = &arms[0].model;
    let mut out = Vec::new();
    let find = |names: &dyn Fn(&Model) -> Vec<String>, name: &str| -> Vec<Option<usize>> {
        arms.iter()
            .map(|a| names(&a.model).iter().position(|n| n == name))
            .collect()
    };
    let channel_names = |m: &Model| m.channels.iter().map(|c| c.name.clone()).collect();
    let topic_names = |m: &Model| m.topics.clone();
    let pool_names = |m: &Model| m.pools.iter().map(|p| p.name.clone()).collect();
    for ch in &base.channels {
        let index = find(&channel_names, &ch.name);
        for (k, d) in CHANNEL_KPIS.iter().enumerate() {
            out.push(KpiRef {
                scope: Scope::Channel,
                name: ch.name.clone(),
                key: d.key,
                unit: d.unit,
                better: better(d.key),
                index: index.clone(),
                kpi: k,
            });
        }
    }
    for t in &base.topics {
        let index = find(&topic_names, t);
        for (k, d) in TOPIC_KPIS.iter().enumerate() {
            out.push(KpiRef {
                scope: Scope::Topic,
                name: t.clone(),
                key: d.key,
                unit: d.unit,
                better: better(d.key),
                index: index.clone(),
                kpi: k,
            });
        }
    }
    for p in &base.pools {
        let index = find(&pool_names, &p.name);
        for (k, d) in POOL_KPIS.iter().enumerate() {
            out.push(KpiRef {
                scope: Scope::Pool,
                name: p.name.clone(),
                key: d.key,
                unit: d.unit,
                better: better(d.key),
                index: index.clone(),
                kpi: k,
            });
        }
    }
    let all = vec![Some(0); arms.len()];
    for (k, d) in TOTAL_KPIS.iter().enumerate() {
        out.push(KpiRef {
            scope: Scope::Total,
            name: "all".into(),
            key: d.key,
            unit: d.unit,
            better: better(d.key),
            index: all.clone(),
            kpi: k,
        });
    }
    out
}

/// A variant's difference from the base on one KPI, paired by replication.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Paired {
    /// Statistics of (variant − base) over the replications in which both
    /// are defined.
    pub diff: Stat,
    /// Share of those replications in which the variant is strictly better
    /// (NaN when the KPI has no better direction).
    pub share_better: f64,
    /// Whether the 95 % interval of the mean difference excludes zero.
    pub significant: bool,
    /// Var(variant − base) ÷ (Var(variant) + Var(base)): the variance the
    /// paired difference keeps of what independent runs would have (1 =
    /// no gain from common random numbers; NaN if both are constant).
    pub variance_ratio: f64,
    /// Whether the variant's value equals the base's in every replication
    /// (undefined in both counts as equal): the variant changes nothing
    /// for this KPI, and the statistics above say so only by zeros.
    pub identical: bool,
}

/// The paired difference of `b` from `a` (values per replication).
pub fn paired(a: &[f64], b: &[f64], direction: Better) -> Paired {
    let identical = a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(&x, &y)| (x, y))
        .collect();
    let d: Vec<f64> = pairs.iter().map(|(x, y)| y - x).collect();
    let diff = Stat::of(&d);
    let n = d.len();
    let share_better = match direction {
        Better::Neither => f64::NAN,
        _ if n == 0 => f64::NAN,
        Better::Higher => d.iter().filter(|&&x| x > 0.0).count() as f64 / n as f64,
        Better::Lower => d.iter().filter(|&&x| x < 0.0).count() as f64 / n as f64,
    };
    let var = |v: &mut dyn Iterator<Item = f64>| -> f64 {
        let v: Vec<f64> = v.collect();
        if v.len() < 2 {
            return f64::NAN;
        }
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
    };
    let vd = var(&mut d.iter().copied());
    let va = var(&mut pairs.iter().map(|p| p.0));
    let vb = var(&mut pairs.iter().map(|p| p.1));
    let variance_ratio = if va + vb > 0.0 {
        vd / (va + vb)
    } else {
        f64::NAN
    };
    Paired {
        diff,
        share_better,
        significant: diff.ci95.is_finite() && diff.mean.abs() > diff.ci95,
        variance_ratio,
        identical,
    }
}

/// Thresholds of the risk measures.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct RiskSettings {
    /// "Service level below target on more than K days".
    pub days_below: f64,
    /// "E-mail backlog exceeds X" (peak backlog, contacts).
    pub backlog_over: f64,
}

/// Risk measures of one channel in one arm.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChannelRisk {
    /// Channel name.
    pub channel: String,
    /// Its service-level target.
    pub target: f64,
    /// P(days below target > K).
    pub p_days_below_over: f64,
    /// Day the service level recovers for good, over the replications in
    /// which it did.
    pub recovery_day: Stat,
    /// Share of replications in which it had not recovered by the end.
    pub not_recovered: f64,
    /// The worst day's average wait: P95 across replications, seconds.
    pub worst_day_wait_p95_s: f64,
    /// P(peak backlog > X), e-mail channels only.
    pub p_backlog_over: Option<f64>,
}

/// Risk measures and cost of one arm.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArmRisk {
    /// Per channel.
    pub channels: Vec<ChannelRisk>,
    /// Total cost.
    pub total_cost: Stat,
    /// Total cost ÷ handled contacts.
    pub cost_per_handled_contact: Stat,
    /// Share answered within threshold, all public channels (see
    /// [`OVERALL_SL`]).
    pub overall_service_level: Stat,
}

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Base first, then the variants.
    pub arms: Vec<Arm>,
    /// The KPIs compared.
    pub kpis: Vec<KpiRef>,
    /// `[arm][kpi]` statistics across replications.
    pub stats: Vec<Vec<Stat>>,
    /// `[arm − 1][kpi]`: each variant against the base.
    pub paired: Vec<Vec<Paired>>,
    /// Per arm.
    pub risk: Vec<ArmRisk>,
    /// Per arm: on the cost-efficient frontier (no other arm is at least as
    /// cheap and at least as good on the overall service level, and better
    /// on one of them).
    pub frontier: Vec<bool>,
    /// Thresholds used.
    pub settings: RiskSettings,
    /// Replications per arm.
    pub replications: usize,
}

impl Comparison {
    /// Whether variant `v` (arm `v + 1`) equals the base on every KPI in
    /// every replication: it changes nothing that is measured.
    pub fn identical_to_base(&self, v: usize) -> bool {
        self.paired
            .get(v)
            .is_some_and(|pv| pv.iter().all(|p| p.identical))
    }
}

fn values(k: &KpiRef, a: usize, arm: &Arm) -> Vec<f64> {
    arm.records.iter().map(|r| k.value(a, r)).collect()
}

/// Compares the arms (`arms[0]` is the base).
pub fn compare(arms: Vec<Arm>, settings: RiskSettings) -> Comparison {
    let kpis = kpis(&arms);
    let stats: Vec<Vec<Stat>> = arms
        .iter()
        .enumerate()
        .map(|(a, arm)| kpis.iter().map(|k| Stat::of(&values(k, a, arm))).collect())
        .collect();
    let paired = (1..arms.len())
        .map(|a| {
            kpis.iter()
                .map(|k| paired(&values(k, 0, &arms[0]), &values(k, a, &arms[a]), k.better))
                .collect()
        })
        .collect();
    let risk: Vec<ArmRisk> = arms.iter().map(|arm| arm_risk(arm, settings)).collect();
    let frontier = (0..arms.len())
        .map(|a| {
            let (ca, sa) = (risk[a].total_cost.mean, risk[a].overall_service_level.mean);
            !(0..arms.len()).any(|b| {
                let (cb, sb) = (risk[b].total_cost.mean, risk[b].overall_service_level.mean);
                b != a && cb <= ca && sb >= sa && (cb < ca || sb > sa)
            })
        })
        .collect();
    let replications = arms.first().map_or(0, |a| a.records.len());
    Comparison {
        arms,
        kpis,
        stats,
        paired,
        risk,
        frontier,
        settings,
        replications,
    }
}

fn arm_risk(arm: &Arm, settings: RiskSettings) -> ArmRisk {
    let m = &arm.model;
    let col = |c: usize, key: &str| -> Vec<f64> {
        let k = index_of(CHANNEL_KPIS, key).expect("a channel KPI");
        arm.records.iter().map(|r| r.channel_kpis[c][k]).collect()
    };
    let share = |v: &[f64], f: &dyn Fn(f64) -> bool| -> f64 {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().filter(|&&x| f(x)).count() as f64 / v.len() as f64
        }
    };
    let channels = m
        .channels
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            let below = col(c, "days_below_target");
            let recovery = col(c, "sl_recovery_day");
            let worst = Stat::of(&col(c, "worst_day_asa_s"));
            ChannelRisk {
                channel: ch.name.clone(),
                target: ch.sl_target,
                p_days_below_over: share(&below, &|x| x > settings.days_below),
                recovery_day: Stat::of(&recovery),
                not_recovered: share(&recovery, &|x| x.is_nan()),
                worst_day_wait_p95_s: worst.p95,
                p_backlog_over: (ch.kind == ChannelKind::Email).then(|| {
                    share(&col(c, "queue_max_contacts"), &|x| {
                        x > settings.backlog_over
                    })
                }),
            }
        })
        .collect();
    let total = |key: &str| -> Stat {
        let k = index_of(TOTAL_KPIS, key).expect("a total KPI");
        Stat::of(
            &arm.records
                .iter()
                .map(|r| r.total_kpis[k])
                .collect::<Vec<_>>(),
        )
    };
    ArmRisk {
        channels,
        total_cost: total("total_cost"),
        cost_per_handled_contact: total("cost_per_handled_contact"),
        overall_service_level: Stat::of(
            &arm.records
                .iter()
                .map(overall_service_level)
                .collect::<Vec<_>>(),
        ),
    }
}

/// The half-width of the 95 % interval of the mean of `d` (NaN with fewer
/// than two values).
pub fn half_width(d: &[f64]) -> f64 {
    let v: Vec<f64> = d.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n < 2 {
        return f64::NAN;
    }
    let m = v.iter().sum::<f64>() / n as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    t_quantile_975(n - 1) * (var / n as f64).sqrt()
}

/// Finds a KPI by `CHANNEL.KPI`, `POOL.KPI`, `TOPIC.KPI` or `total.KPI`
/// (also `channel.NAME.KPI` etc.).
pub fn find_kpi<'a>(kpis: &'a [KpiRef], spec: &str) -> Option<&'a KpiRef> {
    kpis.iter().find(|k| {
        k.id() == spec
            || format!("{}.{}", k.name, k.key) == spec
            || (k.scope == Scope::Total && format!("total.{}", k.key) == spec)
    })
}

/// The KPI's per-replication differences of arm `a` from the base.
pub fn differences(k: &KpiRef, arms: &[Arm], a: usize) -> Vec<f64> {
    values(k, 0, &arms[0])
        .iter()
        .zip(values(k, a, &arms[a]))
        .map(|(x, y)| y - x)
        .collect()
}

/// All KPI refs for the arms (exposed for `--precision`).
pub fn kpi_refs(arms: &[Arm]) -> Vec<KpiRef> {
    kpis(arms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_difference_of_identical_runs_is_zero_with_no_share_better() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let p = paired(&a, &a, Better::Higher);
        assert_eq!(p.diff.mean, 0.0);
        assert_eq!(p.diff.ci95, 0.0);
        assert_eq!(p.share_better, 0.0);
        assert!(!p.significant);
        assert_eq!(p.variance_ratio, 0.0);
        assert!(p.identical);
        // Undefined in the same replications still counts as identical;
        // a difference in one replication does not.
        let u = [1.0, f64::NAN, 3.0];
        assert!(paired(&u, &u, Better::Lower).identical);
        assert!(!paired(&u, &[1.0, f64::NAN, 3.5], Better::Lower).identical);
        assert!(!paired(&u, &[1.0, 2.0, 3.0], Better::Lower).identical);
    }

    #[test]
    fn paired_difference_counts_better_by_direction() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 2.5, 2.0, 5.0];
        let hi = paired(&a, &b, Better::Higher);
        assert_eq!(hi.share_better, 0.75);
        let lo = paired(&a, &b, Better::Lower);
        assert_eq!(lo.share_better, 0.25);
        assert!((hi.diff.mean - 0.375).abs() < 1e-12);
        assert!(paired(&a, &b, Better::Neither).share_better.is_nan());
    }

    #[test]
    fn independent_noise_gives_a_variance_ratio_near_one_and_shared_noise_near_zero() {
        // a and b share a large common part and differ by a small one.
        // A deterministic pseudo-random common part (an LCG).
        let mut x: u64 = 12345;
        let common: Vec<f64> = (0..200)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 11) as f64 / (1u64 << 53) as f64 * 20.0
            })
            .collect();
        let a: Vec<f64> = common
            .iter()
            .enumerate()
            .map(|(i, c)| c + (i as f64).cos() * 0.1)
            .collect();
        let b: Vec<f64> = common
            .iter()
            .enumerate()
            .map(|(i, c)| c + 1.0 + (i as f64 * 1.7).sin() * 0.1)
            .collect();
        let shared = paired(&a, &b, Better::Higher);
        assert!(shared.variance_ratio < 0.01, "{}", shared.variance_ratio);
        assert!(shared.significant);
        // Reversing b breaks the pairing: the ratio is near 1.
        let mut rev = b.clone();
        rev.rotate_left(1);
        let unpaired = paired(&a, &rev, Better::Higher);
        assert!(unpaired.variance_ratio > 0.5, "{}", unpaired.variance_ratio);
    }
}
