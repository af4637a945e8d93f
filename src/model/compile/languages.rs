//! Languages and interpreters: `[languages.ID]` (one implicit language
//! `all` when the scenario defines none) and `[interpreters.ID]`, who let
//! staff serve a language they do not speak.

use crate::model::schedule::Intervals;
use crate::model::{Interpreter, Language};
use crate::scenario::Scenario;

use super::calendar::Calendar;
use super::checker::Checker;

/// The languages contacts come in.
pub(super) struct Languages<'s> {
    /// The scenario's languages, or the single implicit `all`.
    pub(super) list: Vec<Language>,
    /// Whether the scenario defines languages itself.
    pub(super) explicit: bool,
    /// Ids of the scenario's own languages (empty when none are defined).
    pub(super) names: Vec<&'s str>,
}

impl Checker<'_> {
    /// Checks `[languages.ID]`.
    pub(super) fn languages<'s>(&mut self, sc: &'s Scenario) -> Languages<'s> {
        let mut list: Vec<Language> = Vec::new();
        for (name, l) in &sc.languages {
            let path = crate::scenario::join_path("languages", name);
            let f = l.handle_factor.unwrap_or(1.0);
            if !(f > 0.0 && f.is_finite()) {
                self.err(
                    format!("{path}.handle_factor"),
                    format!("must be more than 0 (got {f})"),
                );
            }
            list.push(Language {
                name: name.clone(),
                handle_factor: f,
            });
        }
        let explicit = !list.is_empty();
        if !explicit {
            list.push(Language {
                name: "all".into(),
                handle_factor: 1.0,
            });
        }
        Languages {
            list,
            explicit,
            names: sc.languages.keys().map(String::as_str).collect(),
        }
    }

    /// Checks `[interpreters.ID]`.
    pub(super) fn interpreters(
        &mut self,
        sc: &Scenario,
        langs: &Languages,
        cal: &Calendar,
    ) -> Vec<Interpreter> {
        let nl = langs.list.len();
        let mut interpreters = Vec::new();
        for (name, it) in &sc.interpreters {
            let path = crate::scenario::join_path("interpreters", name);
            let mut languages = vec![false; nl];
            if it.languages.is_empty() {
                self.err(format!("{path}.languages"), "lists no language");
            }
            for (j, l) in it.languages.iter().enumerate() {
                if let Some(i) = self.resolve(
                    &format!("{path}.languages[{j}]"),
                    "language",
                    l,
                    &langs.names,
                ) {
                    languages[i] = true;
                }
            }
            if it.capacity == 0 {
                self.err(
                    format!("{path}.capacity"),
                    "must be at least 1 session at once",
                );
            }
            let open = match &it.hours {
                None => Intervals::always(cal.horizon_s),
                Some(h) => {
                    let hpath = format!("{path}.hours");
                    self.opens_some_day(
                        &hpath,
                        h,
                        "opens on no day: the interpreter would never be available",
                        "hours = { weekdays = \"08:00-17:00\" }, or leave `hours` out for always available",
                    );
                    self.hours(&hpath, h, cal)
                }
            };
            interpreters.push(Interpreter {
                name: name.clone(),
                languages,
                capacity: it.capacity,
                extra_s: it.extra.secs(),
                open,
            });
        }
        interpreters
    }
}
