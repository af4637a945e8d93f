//! Integration tests, one binary with modules named by behaviour.

mod actions;
mod browser;
mod charts;
mod cli;
mod compare;
mod conservation;
mod crisis_numbers;
mod demand;
mod determinism;
mod docs;
mod erlang_validation;
mod exercise;
mod fuzz;
mod golden;
mod library;
mod limits;
mod memory;
mod output_folders;
mod pay;
mod service;
mod snapshots;
mod staffing;
mod strict_input;
mod util;
mod validation;
mod xlsx;
