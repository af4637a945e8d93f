//! Channels: `[channels.ID]` of each kind (phone, e-mail, desk), the keys
//! that apply to each kind, their hours, clocks, capacities, patience,
//! redials, returns, appointments and switches to another channel.

use crate::dist::Dist;
use crate::model::schedule::Intervals;
use crate::model::{Channel, DAY_S, RedialModel, ReturnModel, SwitchModel};
use crate::scenario::{ChannelKind, Clock, Closing, Scenario};

use super::calendar::Calendar;
use super::checker::Checker;

impl Checker<'_> {
    /// Checks `[channels.ID]` and builds the channels (without their pools
    /// and mean handle times, which routing fills in).
    pub(super) fn channels(&mut self, sc: &Scenario, cal: &Calendar) -> Vec<Channel> {
        if sc.channels.is_empty() {
            self.err_hint(
                "channels",
                "the scenario has no channels",
                "add one, e.g. [channels.hotline] with kind = \"phone\"".into(),
            );
        }
        let mut channels = Vec::new();
        for (name, ch) in &sc.channels {
            let path = crate::scenario::join_path("channels", name);
            channels.push(self.channel(&path, name, ch, cal));
        }
        self.switches(sc, &mut channels);
        channels
    }

    fn channel(
        &mut self,
        path: &str,
        name: &str,
        ch: &crate::scenario::Channel,
        cal: &Calendar,
    ) -> Channel {
        self.channel_keys(path, ch);
        if ch.lines == Some(0) {
            self.err(
                format!("{path}.lines"),
                "must be at least 1 (leave it out for unlimited lines)",
            );
        }
        if ch.counters == Some(0) {
            self.err(
                format!("{path}.counters"),
                "must be at least 1 (leave it out for unlimited counters)",
            );
        }
        let patience = ch
            .patience
            .as_ref()
            .and_then(|p| self.dist(&format!("{path}.patience"), p, false));
        let redial = match &ch.redial {
            None => None,
            Some(r) => {
                let rp = format!("{path}.redial");
                self.share(&format!("{rp}.after_busy"), r.after_busy);
                self.share(&format!("{rp}.after_abandon"), r.after_abandon);
                if r.max_attempts == Some(0) {
                    self.err(format!("{rp}.max_attempts"), "must be at least 1");
                }
                let delay = match &r.delay {
                    Some(d) => self.dist(&format!("{rp}.delay"), d, true),
                    None => {
                        if r.after_busy > 0.0 || r.after_abandon > 0.0 {
                            self.err_hint(
                                format!("{rp}.delay"),
                                "missing: how long callers wait before calling again",
                                "e.g. delay = { dist = \"exponential\", mean = \"15m\" }".into(),
                            );
                        }
                        None
                    }
                };
                delay.map(|delay| RedialModel {
                    after_busy: r.after_busy,
                    after_abandon: r.after_abandon,
                    delay,
                    max_attempts: r.max_attempts.unwrap_or(u32::MAX),
                })
            }
        };
        let sl_target = ch.service_level_target.unwrap_or(0.8);
        if !(sl_target > 0.0 && sl_target <= 1.0) {
            self.err(
                format!("{path}.service_level_target"),
                format!("must be a share above 0 and at most 1 (got {sl_target})"),
            );
        }
        let answer_within_s = match (ch.kind, ch.answer_within) {
            (_, Some(d)) => {
                if d.secs() <= 0.0 && ch.kind != ChannelKind::Phone {
                    self.err(format!("{path}.answer_within"), "must be more than 0");
                }
                d.secs()
            }
            (ChannelKind::Phone, None) => 20.0,
            (kind, None) => {
                let example = if kind == ChannelKind::Email {
                    "answer_within = \"2d\" (answered within two days)"
                } else {
                    "answer_within = \"30m\" (served within half an hour)"
                };
                self.err_hint(
                    path.to_string(),
                    format!(
                        "missing `answer_within`: the service-level threshold of this {} channel",
                        kind_name(kind)
                    ),
                    format!("e.g. {example}"),
                );
                0.0
            }
        };
        let open = match &ch.hours {
            Some(h) if ch.kind != ChannelKind::Email => {
                let hpath = format!("{path}.hours");
                self.opens_some_day(
                    &hpath,
                    h,
                    "opens on no day: the channel would never take a contact",
                    "hours = { weekdays = \"08:00-16:00\" }, or leave `hours` out for always open",
                );
                self.hours(&hpath, h, cal)
            }
            _ => Intervals::always(cal.horizon_s),
        };
        let clock = ch.clock.unwrap_or(if ch.business_hours.is_some() {
            Clock::Business
        } else {
            Clock::Calendar
        });
        let business = match (clock, &ch.business_hours) {
            (Clock::Business, Some(h)) if ch.kind == ChannelKind::Email => {
                let hpath = format!("{path}.business_hours");
                self.opens_some_day(
                    &hpath,
                    h,
                    "opens on no day: the business clock would never run",
                    "business_hours = { weekdays = \"08:00-17:00\" }, or clock = \"calendar\"",
                );
                let iv = self.hours(&hpath, h, cal);
                let prefix = iv.prefix();
                Some((iv, prefix))
            }
            (Clock::Business, None) if ch.kind == ChannelKind::Email => {
                self.err_hint(
                    format!("{path}.clock"),
                    "a business clock needs `business_hours`",
                    "e.g. business_hours = { weekdays = \"08:00-17:00\" }, or clock = \"calendar\""
                        .into(),
                );
                None
            }
            _ => None,
        };
        if let Some(c) = ch.cost_per_day {
            let capacity = match ch.kind {
                ChannelKind::Phone => ch.lines.is_some(),
                ChannelKind::Desk => ch.counters.is_some(),
                ChannelKind::Email => false,
            };
            if !(c >= 0.0 && c.is_finite()) {
                self.err(
                    format!("{path}.cost_per_day"),
                    format!("must be 0 or more (got {c})"),
                );
            } else if !capacity {
                self.err_hint(
                    format!("{path}.cost_per_day"),
                    "a cost per line or counter needs a number of them",
                    "give `lines` (phone) or `counters` (desk)".into(),
                );
            }
        }
        let returns = ch.returns.as_ref().map(|r| {
            self.share(&format!("{path}.returns.share"), r.share);
            let after_s = r.after.map_or(DAY_S, |d| d.secs());
            if after_s <= 0.0 {
                self.err(format!("{path}.returns.after"), "must be more than 0");
            }
            ReturnModel {
                share: r.share,
                after_s,
            }
        });
        let appointment_share = ch.appointments.as_ref().map_or(0.0, |a| {
            self.share(&format!("{path}.appointments.share"), a.share);
            a.share
        });
        Channel {
            name: name.to_string(),
            kind: ch.kind,
            internal: ch.internal,
            lines: ch.lines,
            counters: ch.counters,
            patience,
            redial,
            answer_within_s,
            sl_target,
            open,
            business,
            closing: ch.closing.unwrap_or(Closing::ServeAll),
            returns,
            appointment_share,
            switch: None,
            mean_handle_s: 0.0,
            pools: Vec::new(),
            cost_per_day: ch.cost_per_day.unwrap_or(0.0),
        }
    }

    /// Switches to another channel (they need every channel's index).
    fn switches(&mut self, sc: &Scenario, channels: &mut [Channel]) {
        let channel_names: Vec<&str> = sc.channels.keys().map(String::as_str).collect();
        for (c, (name, ch)) in sc.channels.iter().enumerate() {
            let Some(sw) = &ch.switch else { continue };
            let path = format!("{}.switch", crate::scenario::join_path("channels", name));
            let to = self.resolve(&format!("{path}.to"), "channel", &sw.to, &channel_names);
            if to == Some(c) {
                self.err(format!("{path}.to"), "a channel cannot switch to itself");
            }
            self.share(&format!("{path}.after_abandon"), sw.after_abandon);
            self.share(&format!("{path}.after_turned_away"), sw.after_turned_away);
            if ch.kind == ChannelKind::Phone && sw.after_turned_away > 0.0 {
                self.err_hint(
                    format!("{path}.after_turned_away"),
                    "phone callers are never turned away (they hear a busy signal)",
                    "use after_abandon: it covers callers who gave up after a busy signal or a wait".into(),
                );
            }
            let delay = match &sw.delay {
                Some(d) => self.dist(&format!("{path}.delay"), d, true),
                None => Some(Dist::Deterministic(0.0)),
            };
            if let (Some(to), Some(delay)) = (to, delay) {
                channels[c].switch = Some(SwitchModel {
                    to,
                    after_abandon: sw.after_abandon,
                    after_turned_away: sw.after_turned_away,
                    delay,
                });
            }
        }
    }

    /// Keys that do not apply to the channel's kind.
    fn channel_keys(&mut self, path: &str, ch: &crate::scenario::Channel) {
        let present: [(&str, bool); 12] = [
            ("hours", ch.hours.is_some()),
            ("lines", ch.lines.is_some()),
            ("patience", ch.patience.is_some()),
            ("redial", ch.redial.is_some()),
            ("clock", ch.clock.is_some()),
            ("business_hours", ch.business_hours.is_some()),
            ("counters", ch.counters.is_some()),
            ("closing", ch.closing.is_some()),
            ("returns", ch.returns.is_some()),
            ("appointments", ch.appointments.is_some()),
            ("switch", ch.switch.is_some()),
            ("cost_per_day", ch.cost_per_day.is_some()),
        ];
        let allowed: &[&str] = match ch.kind {
            ChannelKind::Phone => &[
                "hours",
                "lines",
                "patience",
                "redial",
                "switch",
                "cost_per_day",
            ],
            ChannelKind::Email => &["clock", "business_hours"],
            ChannelKind::Desk => &[
                "hours",
                "counters",
                "closing",
                "patience",
                "returns",
                "appointments",
                "switch",
                "cost_per_day",
            ],
        };
        let why = match ch.kind {
            ChannelKind::Email => {
                " (e-mails arrive at any time and wait in the backlog; staff hours say when they are answered)"
            }
            _ => "",
        };
        let what = format!("{} channel", with_article(ch.kind));
        self.keys_apply(path, &present, allowed, &what, why);
    }
}

/// "a phone", "an e-mail", "a desk".
pub(super) fn with_article(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Phone => "a phone",
        ChannelKind::Email => "an e-mail",
        ChannelKind::Desk => "a desk",
    }
}

fn kind_name(kind: ChannelKind) -> &'static str {
    kind.word()
}
