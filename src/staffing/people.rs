//! People, not agent-hours: the weekly FTE a staffing needs (grossed up
//! for shrinkage and absence, with an occupancy cap), against the FTE the
//! scenario's pools have on their rosters, and a hiring plan that closes
//! the gap: waves sized from the hiring terms of the scenario's `hire`
//! actions (lead time, training, learning curve, attrition, contract),
//! each with the latest date to decide it.
//!
//! Required FTE in a week = on-queue agent-hours ÷ (paid hours per FTE ×
//! (1 − shrinkage) × (1 − absence)), with the paid hours scaled to the
//! week's days (the last week may be shorter). Available FTE = the
//! rostered hours of the pools that serve the channel ÷ paid hours per FTE.

use crate::model::{DAY_S, Effect, Model};

use super::{Advice, Plan};

/// How agent-hours become people.
#[derive(Debug, Clone, Copy)]
pub struct PeopleOptions {
    /// Share of paid time not on the queue for reasons other than absence
    /// (breaks, meetings, training, other work).
    pub shrinkage: f64,
    /// Paid hours per FTE per week, seconds.
    pub paid_week_s: f64,
    /// Occupancy cap: no step's agents busier than this on average (raises
    /// the staffing where the evaluation shows more), if any.
    pub occupancy_cap: Option<f64>,
    /// Absence share of the channel's staff.
    pub absence: f64,
}

/// One week.
#[derive(Debug, Clone)]
pub struct Week {
    /// First day (days from the start) and number of days.
    pub first_day: usize,
    pub days: usize,
    /// On-queue agent-hours required (after the occupancy cap).
    pub required_hours: f64,
    pub required_fte: f64,
    pub available_fte: f64,
    /// Required − available (negative: a surplus).
    pub gap_fte: f64,
    /// Effective FTE the hiring plan adds (learning curve, attrition and
    /// contracts applied).
    pub hired_fte: f64,
}

/// The terms on which staff can be hired.
#[derive(Debug, Clone)]
pub struct HireTerms {
    /// Pool they join.
    pub pool: usize,
    /// The `hire` action they come from, if any.
    pub from_action: Option<String>,
    pub lead_s: f64,
    pub training_s: f64,
    pub start_speed: f64,
    pub ramp_s: f64,
    pub leave_rate: f64,
    pub contract_s: Option<f64>,
    pub cost_per_hour: f64,
    pub cost_per_hire: f64,
}

/// One wave of hires.
#[derive(Debug, Clone)]
pub struct Wave {
    pub number: usize,
    pub hires: u32,
    /// Latest decision time (seconds from the start; 0 when it is already
    /// late and should be decided at once).
    pub decide_by_s: f64,
    /// Arrival (end of the lead time) and first productive time.
    pub arrive_s: f64,
    pub productive_s: f64,
    /// Decided at the start and still too late for the week it was for.
    pub late: bool,
    /// Hiring cost plus paid hours until the contract or the horizon ends.
    pub cost: f64,
}

/// The hiring terms for channel `c`: those of the first `hire` action into
/// a pool that serves it (the channel's first such pool first), or, without
/// one, six weeks' lead time and four weeks' training into the channel's
/// first pool at its cost.
pub fn hire_terms(model: &Model, c: usize) -> Option<HireTerms> {
    let pools = &model.channels[c].pools;
    let first = *pools.first()?;
    let mut hires: Vec<(usize, &crate::model::Action, &crate::model::Hire)> = model
        .actions
        .iter()
        .filter_map(|a| match &a.effect {
            Effect::Hire(h) if pools.contains(&h.pool) => {
                Some((pools.iter().position(|&p| p == h.pool)?, a, h))
            }
            _ => None,
        })
        .collect();
    hires.sort_by_key(|(rank, _, _)| *rank);
    Some(match hires.first() {
        Some((_, a, h)) => HireTerms {
            pool: h.pool,
            from_action: Some(a.id.clone()),
            lead_s: h.lead_s,
            training_s: h.training_s,
            start_speed: h.start_speed,
            ramp_s: h.ramp_s,
            leave_rate: h.leave_rate,
            contract_s: h.contract_s,
            cost_per_hour: h.cost_per_hour,
            cost_per_hire: h.cost_per_hire,
        },
        None => HireTerms {
            pool: first,
            from_action: None,
            lead_s: 42.0 * DAY_S,
            training_s: 28.0 * DAY_S,
            start_speed: 1.0,
            ramp_s: 0.0,
            leave_rate: 0.0,
            contract_s: None,
            cost_per_hour: model.pools[first].cost_per_hour,
            cost_per_hire: 0.0,
        },
    })
}

/// The weekly FTE of `plan`'s staffing.
pub fn weeks(model: &Model, advice: &Advice, plan: &Plan, opts: &PeopleOptions) -> Vec<Week> {
    let step_h = advice.step_s / 3600.0;
    let steps_per_day = ((DAY_S / advice.step_s).round() as usize).max(1);
    let agents: Vec<f64> = plan
        .required
        .iter()
        .enumerate()
        .map(|(j, &a)| {
            let a = f64::from(a);
            match opts.occupancy_cap {
                Some(cap) if cap > 0.0 => {
                    let occ = plan.eval.occupancy[j].mean;
                    if occ.is_finite() && occ > cap {
                        (a * occ / cap).ceil()
                    } else {
                        a
                    }
                }
                _ => a,
            }
        })
        .collect();
    let paid_week_h = opts.paid_week_s / 3600.0;
    let on_queue = (1.0 - opts.shrinkage) * (1.0 - opts.absence);
    let days = model.days as usize;
    (0..days.div_ceil(7))
        .map(|w| {
            let first_day = w * 7;
            let n_days = 7.min(days - first_day);
            let steps = first_day * steps_per_day..(first_day + n_days) * steps_per_day;
            let steps = steps.start.min(agents.len())..steps.end.min(agents.len());
            let required_hours: f64 = agents[steps.clone()].iter().sum::<f64>() * step_h;
            let scheduled_hours: f64 = advice.scheduled[steps].iter().sum::<f64>() * step_h;
            let paid = paid_week_h * n_days as f64 / 7.0;
            let required_fte = required_hours / (paid * on_queue);
            let available_fte = scheduled_hours / paid;
            Week {
                first_day,
                days: n_days,
                required_hours,
                required_fte,
                available_fte,
                gap_fte: required_fte - available_fte,
                hired_fte: 0.0,
            }
        })
        .collect()
}

/// Effective FTE of one hire productive from `productive_s` (arrived at
/// `arrive_s`) over the days `[from, to)`: the learning curve's speed,
/// survival against attrition, and the contract's end.
fn effective(t: &HireTerms, arrive_s: f64, productive_s: f64, from_s: f64, to_s: f64) -> f64 {
    // Daily points, averaged.
    let mut sum = 0.0;
    let mut n = 0.0;
    let mut x = from_s + DAY_S / 2.0;
    while x < to_s {
        n += 1.0;
        let in_contract = t.contract_s.is_none_or(|c| x < arrive_s + c);
        if x >= productive_s && in_contract {
            let speed = if t.ramp_s > 0.0 && t.start_speed < 1.0 {
                (t.start_speed + (1.0 - t.start_speed) * (x - productive_s) / t.ramp_s).min(1.0)
            } else {
                1.0
            };
            sum += speed * (-t.leave_rate * (x - arrive_s)).exp();
        }
        x += DAY_S;
    }
    if n > 0.0 { sum / n } else { 0.0 }
}

/// Waves that close the weekly gaps: going through the weeks, a week still
/// short by more than half an FTE gets a wave productive from its start,
/// sized to the largest shortfall of it and the three weeks after; its
/// latest decision date is that start less the lead time and training. A
/// week that no decision taken at the start can reach gets one wave as
/// early as possible (decided at once, marked late), and the weeks before
/// it stay short. Fills in each week's `hired_fte`.
pub fn hiring_plan(
    horizon_s: f64,
    weeks: &mut [Week],
    terms: &HireTerms,
    paid_week_s: f64,
) -> Vec<Wave> {
    let delay = terms.lead_s + terms.training_s;
    let week_s = 7.0 * DAY_S;
    let span = |w: &Week| {
        (
            w.first_day as f64 * DAY_S,
            (w.first_day + w.days) as f64 * DAY_S,
        )
    };
    let mut waves: Vec<Wave> = Vec::new();
    let hired = |waves: &[Wave], w: &Week| -> f64 {
        let (a, b) = span(w);
        waves
            .iter()
            .map(|v| f64::from(v.hires) * effective(terms, v.arrive_s, v.productive_s, a, b))
            .sum()
    };
    let mut w = 0;
    while w < weeks.len() {
        let residual = weeks[w].gap_fte - hired(&waves, &weeks[w]);
        if residual <= 0.5 {
            w += 1;
            continue;
        }
        let (start, _) = span(&weeks[w]);
        let (productive_s, late, target_week) = if start - delay >= 0.0 {
            (start, false, w)
        } else {
            let p = (delay / week_s).ceil() as usize;
            if p >= weeks.len() {
                break;
            }
            if waves.iter().any(|v| v.late) {
                w = p.max(w + 1);
                continue;
            }
            (delay, true, p)
        };
        let arrive_s = productive_s - terms.training_s;
        let mut size = 0.0f64;
        for week in &weeks[target_week..(target_week + 4).min(weeks.len())] {
            let (a, b) = span(week);
            let per = effective(terms, arrive_s, productive_s, a, b);
            let short = week.gap_fte - hired(&waves, week);
            if per > 0.0 && short > 0.0 {
                size = size.max(short / per);
            }
        }
        let hires = (size.ceil() as u32).min(100_000);
        if hires == 0 {
            w += 1;
            continue;
        }
        let end = terms
            .contract_s
            .map_or(horizon_s, |c| (arrive_s + c).min(horizon_s));
        let paid_h = (end - arrive_s).max(0.0) / week_s * paid_week_s / 3600.0;
        waves.push(Wave {
            number: waves.len() + 1,
            hires,
            decide_by_s: (productive_s - delay).max(0.0),
            arrive_s,
            productive_s,
            late,
            cost: f64::from(hires) * (terms.cost_per_hire + terms.cost_per_hour * paid_h),
        });
        w = target_week + 1;
    }
    for week in weeks.iter_mut() {
        week.hired_fte = hired(&waves, week);
    }
    waves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> HireTerms {
        HireTerms {
            pool: 0,
            from_action: None,
            lead_s: 14.0 * DAY_S,
            training_s: 7.0 * DAY_S,
            start_speed: 1.0,
            ramp_s: 0.0,
            leave_rate: 0.0,
            contract_s: None,
            cost_per_hour: 10.0,
            cost_per_hire: 100.0,
        }
    }

    #[test]
    fn a_hire_counts_from_its_productive_day_along_its_learning_curve() {
        let mut t = terms();
        assert_eq!(effective(&t, 0.0, 7.0 * DAY_S, 0.0, 7.0 * DAY_S), 0.0);
        assert_eq!(
            effective(&t, 0.0, 7.0 * DAY_S, 7.0 * DAY_S, 14.0 * DAY_S),
            1.0
        );
        t.start_speed = 0.5;
        t.ramp_s = 14.0 * DAY_S;
        let first = effective(&t, 0.0, 0.0, 0.0, 7.0 * DAY_S);
        assert!((first - (0.5 + 0.5 * 3.5 / 14.0)).abs() < 1e-9, "{first}");
        t.contract_s = Some(3.0 * DAY_S);
        let cut = effective(&t, 0.0, 0.0, 0.0, 7.0 * DAY_S);
        assert!(cut < first * 0.5, "{cut}");
    }

    fn week(w: usize, gap: f64) -> Week {
        Week {
            first_day: w * 7,
            days: 7,
            required_hours: 0.0,
            required_fte: gap,
            available_fte: 0.0,
            gap_fte: gap,
            hired_fte: 0.0,
        }
    }

    #[test]
    fn waves_close_the_gap_and_say_when_to_decide() {
        // Three weeks from decision to productive; a gap of 10 FTE from
        // week 5, 16 from week 9 (beyond the first wave's four weeks).
        let gaps = [0.0, 0.0, 0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0, 16.0];
        let mut weeks: Vec<Week> = gaps.iter().enumerate().map(|(w, &g)| week(w, g)).collect();
        let waves = hiring_plan(70.0 * DAY_S, &mut weeks, &terms(), 40.0 * 3600.0);
        assert_eq!(waves.len(), 2, "{waves:?}");
        assert_eq!(waves[0].hires, 10);
        assert_eq!(waves[0].decide_by_s, (35.0 - 21.0) * DAY_S);
        assert_eq!(waves[0].productive_s, 35.0 * DAY_S);
        assert!(!waves[0].late);
        assert_eq!(waves[1].hires, 6);
        assert_eq!(waves[1].productive_s, 63.0 * DAY_S);
        for w in &weeks {
            assert!(w.gap_fte - w.hired_fte <= 0.5, "{w:?}");
        }
        // Cost: hiring plus 40 paid hours a week from arrival to the end.
        let paid_h = (70.0 - 28.0) / 7.0 * 40.0;
        assert!((waves[0].cost - 10.0 * (100.0 + 10.0 * paid_h)).abs() < 1e-6);
    }

    #[test]
    fn a_gap_too_soon_gets_one_late_wave_as_early_as_possible() {
        let mut weeks: Vec<Week> = (0..8).map(|w| week(w, 5.0)).collect();
        let waves = hiring_plan(56.0 * DAY_S, &mut weeks, &terms(), 40.0 * 3600.0);
        assert_eq!(waves.len(), 1, "{waves:?}");
        assert!(waves[0].late);
        assert_eq!(waves[0].decide_by_s, 0.0);
        assert_eq!(waves[0].productive_s, 21.0 * DAY_S);
        // The first three weeks stay short; from week 3 on they are covered.
        assert!(weeks[2].hired_fte == 0.0 && weeks[3].hired_fte >= 5.0);
    }
}
