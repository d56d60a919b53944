//! Structured records (Connect `Struct`s and schemaless `Map`s, and JSON text
//! with `text.values=json`) into super tables: the field encoding of the
//! batch frame (`value`), record → row (`mapping`, `row_timestamp`), the type
//! table (`schema`, `literal`), super table DDL (`ddl`) and INSERT text
//! (`insert`), driven per row by `writer`.

mod children;
pub mod ddl;
#[cfg(test)]
mod fixtures;
pub mod insert;
pub mod json_text;
pub mod literal;
pub mod mapping;
pub mod mapping_config;
mod row_timestamp;
pub mod schema;
pub mod timestamp_text;
pub mod value;
pub mod writer;
