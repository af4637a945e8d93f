//! Routing: the queue classes (every channel, topic and language that
//! demand, a switch, a callback or an opened channel can produce), the
//! order in which each class and channel tries the pools, and the checks
//! that everything that comes is served by someone.

use crate::model::{Channel, Class, DemandStream, Pool};
use crate::scenario::{ActionKind, ChannelKind, Scenario};

use super::checker::Checker;
use super::languages::Languages;
use super::topics::Topics;

/// The queue classes and where each combination finds its class.
pub(super) struct Classes {
    /// The classes that can receive contacts.
    pub(super) list: Vec<Class>,
    /// `class_of[((channel * n_topics + topic) * n_languages + language) * 2
    /// + appointment]`, `usize::MAX` when the class cannot occur.
    pub(super) class_of: Vec<usize>,
}

impl Checker<'_> {
    /// Queue classes: every (channel, topic, language) that demand or a
    /// switch can produce, plus desk appointments.
    pub(super) fn classes(
        &mut self,
        sc: &Scenario,
        channels: &[Channel],
        topics: &Topics,
        demands: &[DemandStream],
        nl: usize,
    ) -> Classes {
        let nc = channels.len();
        let nt = topics.names.len();
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
        let topic_names = &topics.names;
        let mut wanted = vec![false; nc * nt * nl * 2];
        let mut callback_channels: Vec<usize> = Vec::new();
        let key =
            |c: usize, t: usize, l: usize, a: bool| ((c * nt + t) * nl + l) * 2 + usize::from(a);
        for d in demands {
            for l in 0..nl {
                if topics.language_share(d.topic, l) > 0.0 {
                    wanted[key(d.channel, d.topic, l, false)] = true;
                    if channels[d.channel].appointment_share > 0.0 {
                        wanted[key(d.channel, d.topic, l, true)] = true;
                    }
                }
            }
        }
        // Phone channels with callbacks: a deferred queue per class (the
        // class's second, "booked" slot, which desks use for appointments).
        for a in &sc.actions {
            if a.kind != ActionKind::Callbacks {
                continue;
            }
            let Some(c) = a
                .channel
                .as_ref()
                .and_then(|cn| channel_names.iter().position(|n| n == cn))
            else {
                continue;
            };
            if channels[c].kind != ChannelKind::Phone {
                continue;
            }
            callback_channels.push(c);
        }
        // Channels opened by actions take over contacts of a topic.
        for a in &sc.actions {
            if a.kind != ActionKind::OpenChannel {
                continue;
            }
            let (Some(tn), Some(cn)) = (&a.topic, &a.channel) else {
                continue;
            };
            let (Some(t), Some(to)) = (
                topic_names.iter().position(|n| n == tn),
                channel_names.iter().position(|n| n == cn),
            ) else {
                continue;
            };
            let from = a
                .from
                .as_ref()
                .and_then(|f| channel_names.iter().position(|n| n == f));
            if demands
                .iter()
                .any(|d| d.topic == t && d.channel != to && from.is_none_or(|f| f == d.channel))
            {
                for l in 0..nl {
                    if topics.language_share(t, l) > 0.0 {
                        wanted[key(to, t, l, false)] = true;
                    }
                }
            }
        }
        // Switch targets, until nothing changes (switches may chain).
        // (Callback queues are added after the switches, below.)
        let mut changed = true;
        while changed {
            changed = false;
            for c in 0..nc {
                let Some(sw) = &channels[c].switch else {
                    continue;
                };
                for t in 0..nt {
                    for l in 0..nl {
                        let from = wanted[key(c, t, l, false)] || wanted[key(c, t, l, true)];
                        if from && !wanted[key(sw.to, t, l, false)] {
                            wanted[key(sw.to, t, l, false)] = true;
                            changed = true;
                            let tname = topic_names[t];
                            if topics.handles[t * nc + sw.to].is_none()
                                && !sc.topics[tname].handle.contains_key(channel_names[sw.to])
                            {
                                self.err_hint(
                                    format!("{}.handle", crate::scenario::join_path("topics", topic_names[t])),
                                    format!(
                                        "no handle time for channel `{}`, to which channels.{}.switch sends this topic",
                                        channel_names[sw.to], channel_names[c]
                                    ),
                                    format!("add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}", channel_names[sw.to]),
                                );
                            }
                        }
                    }
                }
            }
        }
        for &c in &callback_channels {
            for t in 0..nt {
                for l in 0..nl {
                    if wanted[key(c, t, l, false)] {
                        wanted[key(c, t, l, true)] = true;
                    }
                }
            }
        }
        let mut list = Vec::new();
        let mut class_of = vec![usize::MAX; wanted.len()];
        for c in 0..nc {
            for t in 0..nt {
                for l in 0..nl {
                    for a in [false, true] {
                        if wanted[key(c, t, l, a)] {
                            class_of[key(c, t, l, a)] = list.len();
                            list.push(Class {
                                channel: c,
                                topic: t,
                                language: l,
                                appointment: a,
                                pools: Vec::new(),
                            });
                        }
                    }
                }
            }
        }
        Classes { list, class_of }
    }

    /// Reports what no pool serves: a channel with demand is an error, a
    /// topic or language on a served channel a warning (returned).
    pub(super) fn unserved(
        &mut self,
        classes: &[Class],
        channels: &[Channel],
        langs: &Languages,
        topic_names: &[&str],
    ) -> Vec<String> {
        let mut warnings = Vec::new();
        for (c, ch) in channels.iter().enumerate() {
            let has_demand = classes.iter().any(|k| k.channel == c);
            if ch.pools.is_empty() && has_demand {
                self.err_hint(
                    crate::scenario::join_path("channels", &ch.name),
                    format!(
                        "no pool serves channel `{}`, so its contacts can never be answered",
                        ch.name
                    ),
                    format!("add \"{}\" to the `serves` list of a pool", ch.name),
                );
            }
        }
        for class in classes {
            if class.pools.is_empty() && !channels[class.channel].pools.is_empty() {
                let lang = if langs.explicit {
                    format!(" in language `{}`", langs.list[class.language].name)
                } else {
                    String::new()
                };
                warnings.push(format!(
                    "no pool serves topic `{}`{lang} on channel `{}` (no pool lists it, speaks the language, or has an interpreter for it): these contacts wait until the end",
                    topic_names[class.topic], channels[class.channel].name
                ));
            }
        }
        warnings
    }
}

/// Ranks the pools of each class (in the order an arriving contact tries
/// them) and of each channel, and gives each channel its mean handle time.
pub(super) fn rank(
    classes: &mut [Class],
    channels: &mut [Channel],
    pools: &[Pool],
    demands: &[DemandStream],
    horizon_s: f64,
) {
    for (k, class) in classes.iter_mut().enumerate() {
        let mut ranked: Vec<(bool, u32, usize, Option<usize>)> = pools
            .iter()
            .enumerate()
            .filter_map(|(p, pool)| {
                pool.routes
                    .iter()
                    .find(|r| r.class == k)
                    .map(|r| (r.interpreter.is_some(), r.level, p, r.interpreter))
            })
            .collect();
        ranked.sort_by_key(|&(i, l, p, _)| (i, l, p));
        class.pools = ranked.into_iter().map(|(_, _, p, i)| (p, i)).collect();
    }
    for (c, ch) in channels.iter_mut().enumerate() {
        let mut ranked: Vec<(u32, usize)> = pools
            .iter()
            .enumerate()
            .filter_map(|(p, pool)| {
                pool.routes
                    .iter()
                    .filter(|r| classes[r.class].channel == c)
                    .map(|r| r.level)
                    .min()
                    .map(|level| (level, p))
            })
            .collect();
        ranked.sort();
        ch.pools = ranked.into_iter().map(|(_, p)| p).collect();
        // Mean handle time weighted by expected volume (gate rule).
        let (mut num, mut den) = (0.0, 0.0);
        for d in demands.iter().filter(|d| d.channel == c) {
            let v = d.expected_between(0.0, horizon_s, horizon_s);
            num += v * d.handle.mean();
            den += v;
        }
        ch.mean_handle_s = if den > 0.0 { num / den } else { 0.0 };
    }
}
