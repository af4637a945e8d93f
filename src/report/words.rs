//! KPI keys in words for people, with their unit: what the tables and
//! reports print where the files keep the machine key (`asa_s` →
//! "average speed of answer (s)"). One function holds the whole mapping so
//! that a new KPI key needs one new line here; a key without one still
//! reads as words, with the unit its suffix names.

/// A KPI key in words, with its unit in parentheses, e.g. `service_level`
/// → "service level (answered within the threshold ÷ answered + abandoned,
/// %)". Shares read as %, since that is how they are printed. Keys not
/// listed here are turned into words by [`words_of_key`].
pub fn kpi_words(key: &str) -> String {
    let words = match key {
        // Service.
        "service_level" => {
            "service level (on time ÷ answered + abandoned + late at the end; phone: live calls, %)"
        }
        "service_level_offered" => {
            "service level of offered live contacts (answered within the threshold ÷ offered − callback requests, %)"
        }
        "service_level_answered" => {
            "service level of answered contacts (answered within the threshold ÷ answered, %)"
        }
        "overall_service_level" => {
            "overall service level, public channels (on time ÷ all served, lost or late, %)"
        }
        "callbacks_kept_share" => {
            "callbacks kept (made within the promise ÷ made + owed past it, %)"
        }
        "service_level_with_callbacks" => {
            "service level with callbacks (live on time + callbacks kept ÷ live handled + callbacks due, %)"
        }
        "target_met" => "target met (share of replications, %)",
        "late_at_end_contacts" => "still waiting at the end past the threshold (contacts)",
        "waiting_at_end_share" => "share of arrivals still waiting at the end (%)",
        "backlog_clear_days" => "days to clear the end backlog at the last 4 weeks' pace (days)",
        "callback_requests_contacts" => "callbacks requested (callers who left the line, contacts)",
        "callbacks_made_contacts" => "callbacks made (contacts)",
        "callbacks_owed_at_end_contacts" => "callbacks still owed at the end (contacts)",
        "callback_wait_mean_s" => "time to call back, mean, calendar time (s)",
        "callback_wait_p90_s" => "time to call back, P90, calendar time (s)",
        "callback_wait_max_s" => "time to call back, longest, calendar time (s)",
        "callback_working_wait_mean_s" => "time to call back, mean, while the line is open (s)",
        "callback_working_wait_p90_s" => "time to call back, P90, while the line is open (s)",
        "callback_working_wait_max_s" => "time to call back, longest, while the line is open (s)",
        "agents_on_duty_rostered_mean" => "staff on duty while rostered (agents)",
        "p_wait" => "probability of waiting (not answered at once ÷ offered, %)",
        "p_abandon" => "abandonment (abandoned ÷ offered, %)",
        "p_block" => "blocking (blocked ÷ offered, %)",
        // Waits.
        "asa_s" => "average wait of those answered (phone: live calls, s)",
        "wait_max_s" => "longest wait of an answered contact (s)",
        "mean_wait_abandoned_s" => "average wait before hanging up (s)",
        "worst_day_asa_s" => "worst day's average speed of answer (s)",
        // Volumes.
        "first_attempts" => "first attempts (new contacts, open or not)",
        "offered_contacts" => "offered (attempts that reached the open channel, contacts)",
        "answered_contacts" => "answered (contacts)",
        "abandoned_contacts" => "abandoned (hung up while waiting, contacts)",
        "blocked_contacts" => "blocked (every line busy, contacts)",
        "turned_away_contacts" => "turned away (contacts)",
        "waiting_at_end_contacts" => "still waiting at the end (contacts)",
        "lost_contacts" => "lost (abandoned, blocked or turned away, contacts)",
        "redial_attempts" => "repeat attempts (redials and returning visitors, contacts)",
        "switched_in_contacts" => "switched in from another channel (contacts)",
        "switched_out_contacts" => "switched out to another channel (contacts)",
        "appointment_contacts" => "visitors with a booked slot (contacts)",
        "deflected_contacts" => "answered by online information instead (contacts)",
        "unstaffed_contacts" => "arrived with no one on duty to serve them (contacts)",
        "closed_attempts" => "attempts while closed (contacts)",
        "handled_contacts" => "handled (service started, contacts)",
        "interpreted_contacts" => "served through an interpreter (contacts)",
        // Queues and backlogs.
        "queue_mean_contacts" => "people waiting, time average (contacts)",
        "queue_max_contacts" => "peak queue or backlog (largest number waiting at once, contacts)",
        "days_below_target" => "days below the service-level target (days)",
        "sl_recovery_day" => {
            "recovery day (from which the daily service level stays at target, days from the start)"
        }
        // Staff.
        "agents_on_duty_mean" => "staff on duty, time average (agents)",
        "agents_busy_mean" => "staff busy, time average (agents)",
        "occupancy" => "occupancy (busy ÷ on duty, %)",
        "deferred_share_of_busy" => "deferred work (e-mail time ÷ busy time, %)",
        "redeployed_in_mean" => "staff redeployed in, time average (agents)",
        "hired_on_duty_mean" => "hired staff on duty, time average (agents)",
        "hired_in_training_mean" => "hired staff in training, time average (agents)",
        "overloaded_days" => "days with the staff overloaded (days)",
        "overload_leavers" => "staff who left from overload (agents)",
        "paid_hours_h" => "paid staff hours (h)",
        // Cost.
        "capacity_cost" => "capacity cost (lines and counters, currency)",
        "staff_cost" => "staff cost (currency)",
        "hiring_cost" => "hiring cost (one-off costs of the hires, currency)",
        "total_cost" => "total cost (currency)",
        "cost_per_handled_contact" => {
            "cost per handled contact (total cost ÷ handled contacts, currency)"
        }
        _ => return words_of_key(key),
    };
    words.to_string()
}

/// The fallback of [`kpi_words`]: underscores become spaces, and the unit
/// the key's suffix names goes into parentheses (`foo_bar_s` → "foo bar
/// (s)", `x_share` → "x (%)", `p_x` → "probability of x (%)").
pub fn words_of_key(key: &str) -> String {
    const SUFFIXES: &[(&str, &str)] = &[
        ("_s", "s"),
        ("_h", "h"),
        ("_share", "%"),
        ("_contacts", "contacts"),
        ("_days", "days"),
        ("_agents", "agents"),
    ];
    let suffixed = SUFFIXES.iter().find_map(|(suffix, unit)| {
        key.strip_suffix(suffix)
            .filter(|stem| !stem.is_empty())
            .map(|stem| (stem.to_string(), *unit))
    });
    let (stem, unit) = match suffixed {
        Some((stem, unit)) => (stem, Some(unit)),
        None => match key.strip_prefix("p_").filter(|rest| !rest.is_empty()) {
            Some(rest) => (format!("probability of {rest}"), Some("%")),
            None if key.ends_with("_cost") => (key.to_string(), Some("currency")),
            None => (key.to_string(), None),
        },
    };
    let words = stem.replace('_', " ");
    match unit {
        Some(u) => format!("{words} ({u})"),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_read_as_words_with_their_unit() {
        assert_eq!(
            kpi_words("asa_s"),
            "average wait of those answered (phone: live calls, s)"
        );
        assert_eq!(
            kpi_words("service_level"),
            "service level (on time ÷ answered + abandoned + late at the end; phone: live calls, %)"
        );
        assert_eq!(
            kpi_words("p_abandon"),
            "abandonment (abandoned ÷ offered, %)"
        );
    }

    #[test]
    fn unknown_keys_fall_back_to_words_and_the_unit_of_their_suffix() {
        assert_eq!(kpi_words("foo_bar_s"), "foo bar (s)");
        assert_eq!(
            kpi_words("chat_waiting_contacts"),
            "chat waiting (contacts)"
        );
        assert_eq!(kpi_words("bot_resolved_share"), "bot resolved (%)");
        assert_eq!(kpi_words("p_callback"), "probability of callback (%)");
        assert_eq!(kpi_words("interpreter_cost"), "interpreter cost (currency)");
        assert_eq!(kpi_words("staff_hours_h"), "staff hours (h)");
        assert_eq!(kpi_words("utilisation"), "utilisation");
    }
}
