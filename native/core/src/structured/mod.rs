//! Structured records (Connect `Struct`s and schemaless `Map`s) into super
//! tables: values, the Connect → TDengine type table, identifier and literal
//! rules, row mapping, schema creation and evolution, and SQL writes.

pub mod decimal;
pub mod json_text;
pub mod mapping;
pub mod schema;
pub mod sql;
pub mod timestamp_text;
pub mod value;
pub mod writer;
