//! surgesim
pub mod analytic;
pub mod cli;
pub mod commands;
pub mod dist;
pub mod engine;
pub mod kpi;
pub mod model;
pub mod report;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod units;
