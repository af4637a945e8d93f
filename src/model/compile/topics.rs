//! Topics: `[topics.ID]` with their handle time on each channel, their
//! shares over channels and over languages.

use std::collections::BTreeMap;

use crate::dist::Dist;
use crate::scenario::{Scenario, Topic, closest_hint};

use super::checker::Checker;
use super::languages::Languages;

/// What the topics give demand, routing and the model.
pub(super) struct Topics<'s> {
    /// Topic ids, in scenario order.
    pub(super) names: Vec<&'s str>,
    /// Handle time per `topic * n_channels + channel`, where defined.
    pub(super) handles: Vec<Option<Dist>>,
    /// Per topic: its shares over channels, when given.
    pub(super) channels: Vec<Option<Vec<(usize, f64)>>>,
    /// Per topic: cumulative language shares (last = 1).
    pub(super) languages: Vec<Vec<f64>>,
}

impl Topics<'_> {
    /// The share of topic `t`'s contacts in language `l`.
    pub(super) fn language_share(&self, t: usize, l: usize) -> f64 {
        let cum = &self.languages[t];
        cum[l] - if l == 0 { 0.0 } else { cum[l - 1] }
    }
}

impl Checker<'_> {
    /// Checks `[topics.ID]`: handle times, channel and language shares.
    pub(super) fn topics<'s>(
        &mut self,
        sc: &'s Scenario,
        langs: &Languages,
        channel_names: &[&str],
    ) -> Topics<'s> {
        let names: Vec<&str> = sc.topics.keys().map(String::as_str).collect();
        let nc = channel_names.len();
        let nt = names.len();
        let nl = langs.list.len();
        let mut handles: Vec<Option<Dist>> = vec![None; nt * nc];
        let mut topic_channels: Vec<Option<Vec<(usize, f64)>>> = vec![None; nt];
        let mut topic_languages: Vec<Vec<f64>> = Vec::with_capacity(nt);
        for (t, (name, topic)) in sc.topics.iter().enumerate() {
            let tpath = crate::scenario::join_path("topics", name);
            for (key, spec) in &topic.handle {
                let path = format!("{tpath}.handle.{key}");
                if let Some(c) = channel_names.iter().position(|n| n == key) {
                    handles[t * nc + c] = self.dist(&path, spec, false);
                } else {
                    self.err_hint(
                        path,
                        format!("unknown channel `{key}`"),
                        closest_hint(key, channel_names),
                    );
                }
            }
            if let Some(shares) = &topic.channels {
                let list = self.shares(
                    &format!("{tpath}.channels"),
                    shares,
                    "channel",
                    channel_names,
                );
                topic_channels[t] = Some(list);
            }
            let mut lang = vec![0.0; nl];
            match (&topic.languages, langs.explicit) {
                (Some(shares), true) => {
                    for (l, v) in self.shares(
                        &format!("{tpath}.languages"),
                        shares,
                        "language",
                        &langs.names,
                    ) {
                        lang[l] = v;
                    }
                }
                (Some(_), false) => self.err_hint(
                    format!("{tpath}.languages"),
                    "the scenario defines no languages",
                    "add a [languages.ID] table for each language, e.g. [languages.uk]".into(),
                ),
                (None, true) => self.err_hint(
                    tpath.clone(),
                    "missing `languages`: the shares of this topic's contacts per language",
                    format!(
                        "e.g. languages = {{ {} = 1.0 }}; languages defined: {}",
                        langs.names[0],
                        langs.names.join(", ")
                    ),
                ),
                (None, false) => lang[0] = 1.0,
            }
            let mut acc = 0.0;
            let cumulative: Vec<f64> = lang
                .iter()
                .map(|v| {
                    acc += v;
                    acc
                })
                .collect();
            topic_languages.push(cumulative);
        }
        Topics {
            names,
            handles,
            channels: topic_channels,
            languages: topic_languages,
        }
    }

    /// The handle time of a topic on a channel, or a problem.
    pub(super) fn handle_for(
        &mut self,
        topics: &Topics,
        defs: &BTreeMap<String, Topic>,
        topic: usize,
        c: usize,
        channel_names: &[&str],
        path: &str,
    ) -> Option<Dist> {
        let nc = channel_names.len();
        if let Some(h) = &topics.handles[topic * nc + c] {
            return Some(h.clone());
        }
        let (tname, topic_def) = defs.iter().nth(topic)?;
        if !topic_def.handle.contains_key(channel_names[c]) {
            self.err_hint(
                format!("{}.handle", crate::scenario::join_path("topics", tname)),
                format!(
                    "no handle time for channel `{}`, which {path} sends this topic to",
                    channel_names[c]
                ),
                format!(
                    "add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}",
                    channel_names[c]
                ),
            );
        }
        None
    }
}
