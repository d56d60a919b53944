//! The source side: TDengine rows read through TMQ subscriptions, turned
//! into Kafka records (line protocol or JSON), with offsets that resume
//! exactly where Kafka's acknowledged records end.

pub mod config;
pub mod discover;
pub mod format;
pub mod output;
pub mod reader;
pub mod tags;
pub mod typed;
