//! Key performance indicators: their names, units and exact definitions, and
//! their computation from one replication's tallies. The definitions here are
//! the ones printed in the README and in `summary.json`.

mod defs;
mod metrics;
mod record;
mod values;

pub use defs::{ACTION_KPIS, CHANNEL_KPIS, KpiDef, POOL_KPIS, TOPIC_KPIS, TOTAL_KPIS, index_of};
pub use metrics::{INTERVAL_METRICS, POOL_INTERVAL_METRICS, series_width};
pub use record::RepRecord;
pub use values::{
    channel_values, interval_values, live_service_level, overall_service_level,
    pool_interval_values, pool_values, threshold_days, topic_values, total_values,
};
