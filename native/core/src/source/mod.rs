//! The source side: TDengine rows read through TMQ subscriptions or
//! time-window queries, turned into Kafka records (line protocol, JSON or
//! typed structs), with offsets that resume exactly where Kafka's
//! acknowledged records end.

pub mod columns;
pub mod config;
pub mod discover;
pub mod format;
pub mod health;
pub mod output;
pub mod query;
pub mod reader;
pub mod record;
pub mod render;
pub mod tags;
pub mod task_reader;
pub mod tmq;
pub mod typed;
