//! Integration tests, one binary with modules named by behaviour.

mod actions;
mod charts;
mod cli;
mod conservation;
mod demand;
mod determinism;
mod erlang_validation;
mod service;
mod util;
mod validation;
