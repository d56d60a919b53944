//! The body of a stmt2 bind as taosAdapter takes it (`go_stmt2_bind_binary`
//! in its `driver/wrapper/stmt2binary.go`): a 28-byte header (total length,
//! table count, tag count, column count, offsets of the table names, tags
//! and columns), the table names (u16 lengths, then NUL-terminated names),
//! then per table its columns (u32 lengths, then the tables' column data).
//! A column: total length, type, row count, a null flag per row, whether
//! lengths follow, the lengths (u32 per row, for text), buffer length and
//! the buffer (fixed-width values, nulls included, or the texts end to end).
//! Little-endian throughout. Tags are not bound: tables exist already.

/// TDengine's type codes (`taos.h`) of the types bound here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindType {
    Bool = 1,
    TinyInt = 2,
    SmallInt = 3,
    Int = 4,
    BigInt = 5,
    Float = 6,
    Double = 7,
    Varchar = 8,
    Timestamp = 9,
    NChar = 10,
    UTinyInt = 11,
    USmallInt = 12,
    UInt = 13,
    UBigInt = 14,
}

impl BindType {
    /// Bytes per value; None for text.
    fn width(self) -> Option<usize> {
        match self {
            BindType::Bool | BindType::TinyInt | BindType::UTinyInt => Some(1),
            BindType::SmallInt | BindType::USmallInt => Some(2),
            BindType::Int | BindType::UInt | BindType::Float => Some(4),
            BindType::BigInt | BindType::UBigInt | BindType::Double | BindType::Timestamp => {
                Some(8)
            }
            BindType::Varchar | BindType::NChar => None,
        }
    }
}

/// One value: integers (bool, timestamps included) as i64 or u64, floats,
/// text as its UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    UInt(u64),
    Float(f32),
    Double(f64),
    Text(&'a [u8]),
}

const HEADER: usize = 28;

/// Builds one bind body: tables in order, each with the same columns.
pub struct BindBody {
    columns: usize,
    names: Vec<u8>,
    name_lengths: Vec<u16>,
    table_lengths: Vec<u32>,
    data: Vec<u8>,
    /// Columns written for the current table.
    written: usize,
    table_start: usize,
}

impl BindBody {
    pub fn new(columns: usize) -> Self {
        BindBody {
            columns,
            names: Vec::new(),
            name_lengths: Vec::new(),
            table_lengths: Vec::new(),
            data: Vec::new(),
            written: 0,
            table_start: 0,
        }
    }

    pub fn tables(&self) -> usize {
        self.name_lengths.len()
    }

    /// Starts the next table; None when its name cannot be bound (empty,
    /// too long, holding a NUL).
    pub fn table(&mut self, name: &str) -> Option<()> {
        self.end_table();
        if name.is_empty() || name.len() >= usize::from(u16::MAX) || name.contains('\0') {
            return None;
        }
        self.names.extend_from_slice(name.as_bytes());
        self.names.push(0);
        self.name_lengths.push(u16::try_from(name.len() + 1).ok()?);
        self.table_start = self.data.len();
        self.written = 0;
        Some(())
    }

    fn end_table(&mut self) {
        if self.name_lengths.len() > self.table_lengths.len() {
            let length = self.data.len() - self.table_start;
            self.table_lengths
                .push(u32::try_from(length).unwrap_or(u32::MAX));
        }
    }

    /// The current table's next column: `cells` rows of type `ty`.
    pub fn column(&mut self, ty: BindType, cells: &[Cell]) {
        self.written += 1;
        let start = self.data.len();
        let num = cells.len();
        put_u32(&mut self.data, 0); // total length, set below
        put_u32(&mut self.data, ty as u32);
        put_u32(&mut self.data, num as u32);
        self.data
            .extend(cells.iter().map(|c| u8::from(matches!(c, Cell::Null))));
        match ty.width() {
            Some(width) => {
                self.data.push(0); // no lengths
                put_u32(&mut self.data, (width * num) as u32);
                for c in cells {
                    put_fixed(&mut self.data, width, c);
                }
            }
            None => {
                self.data.push(1);
                let mut total = 0usize;
                for c in cells {
                    let len = match c {
                        Cell::Text(t) => t.len(),
                        _ => 0,
                    };
                    total += len;
                    put_u32(&mut self.data, len as u32);
                }
                put_u32(&mut self.data, total as u32);
                for c in cells {
                    if let Cell::Text(t) = c {
                        self.data.extend_from_slice(t);
                    }
                }
            }
        }
        let length = (self.data.len() - start) as u32;
        self.data[start..start + 4].copy_from_slice(&length.to_le_bytes());
    }

    /// The body; None when a table's columns do not match the count.
    pub fn finish(mut self) -> Option<Vec<u8>> {
        self.end_table();
        let tables = self.name_lengths.len();
        if tables == 0 || self.written != self.columns {
            return None;
        }
        let names_at = HEADER;
        let columns_at = names_at + 2 * tables + self.names.len();
        let total = columns_at + 4 * tables + self.data.len();
        let mut out = Vec::with_capacity(total);
        for v in [
            total,
            tables,
            0, // tags
            self.columns,
            names_at,
            0, // no tags
            columns_at,
        ] {
            put_u32(&mut out, u32::try_from(v).ok()?);
        }
        for l in &self.name_lengths {
            out.extend_from_slice(&l.to_le_bytes());
        }
        out.extend_from_slice(&self.names);
        for l in &self.table_lengths {
            put_u32(&mut out, *l);
        }
        out.extend_from_slice(&self.data);
        Some(out)
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_fixed(out: &mut Vec<u8>, width: usize, c: &Cell) {
    let bytes: [u8; 8] = match *c {
        Cell::Int(v) => v.to_le_bytes(),
        Cell::UInt(v) => v.to_le_bytes(),
        Cell::Float(v) => u64::from(v.to_bits()).to_le_bytes(),
        Cell::Double(v) => v.to_bits().to_le_bytes(),
        Cell::Null | Cell::Text(_) => [0; 8],
    };
    // Little-endian: the low `width` bytes are the narrower value.
    out.extend_from_slice(&bytes[..width]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn layout_matches_taosadapter() {
        let mut body = BindBody::new(2);
        body.table("t_a").unwrap();
        body.column(BindType::Timestamp, &[Cell::Int(5), Cell::Int(6)]);
        body.column(BindType::NChar, &[Cell::Text(b"x"), Cell::Null]);
        body.table("b").unwrap();
        body.column(BindType::Timestamp, &[Cell::Int(7)]);
        body.column(BindType::NChar, &[Cell::Text(b"yz")]);
        let b = body.finish().unwrap();
        assert_eq!(u32_at(&b, 0) as usize, b.len());
        assert_eq!(u32_at(&b, 4), 2); // tables
        assert_eq!(u32_at(&b, 8), 0); // tags
        assert_eq!(u32_at(&b, 12), 2); // columns
        assert_eq!(u32_at(&b, 16), 28); // names
        assert_eq!(u32_at(&b, 20), 0);
        let cols = u32_at(&b, 24) as usize;
        assert_eq!(&b[28..32], &[4, 0, 2, 0]);
        assert_eq!(&b[32..38], b"t_a\0b\0");
        assert_eq!(cols, 38);
        // First table: ts column (4+4+4 + 2 nulls + 1 + 4 + 16) then text.
        let first = u32_at(&b, cols) as usize;
        let data = cols + 8;
        assert_eq!(u32_at(&b, data), 35);
        assert_eq!(u32_at(&b, data + 4), 9);
        assert_eq!(u32_at(&b, data + 8), 2);
        assert_eq!(&b[data + 12..data + 15], &[0, 0, 0]);
        assert_eq!(u32_at(&b, data + 15), 16);
        assert_eq!(&b[data + 19..data + 27], &5i64.to_le_bytes());
        let text = data + 35;
        assert_eq!(u32_at(&b, text), 4 + 4 + 4 + 2 + 1 + 8 + 4 + 1);
        assert_eq!(u32_at(&b, text + 4), 10);
        assert_eq!(&b[text + 12..text + 15], &[0, 1, 1]);
        assert_eq!(u32_at(&b, text + 15), 1);
        assert_eq!(u32_at(&b, text + 19), 0);
        assert_eq!(u32_at(&b, text + 23), 1);
        assert_eq!(b[text + 27], b'x');
        assert_eq!(first, 35 + 28);
        assert_eq!(u32_at(&b, cols + 4) as usize, b.len() - data - first);
    }

    #[test]
    fn incomplete_tables_are_refused() {
        let mut body = BindBody::new(2);
        body.table("t").unwrap();
        body.column(BindType::Bool, &[Cell::Int(1)]);
        assert!(body.finish().is_none());
        assert!(BindBody::new(1).finish().is_none());
        assert!(BindBody::new(1).table("a\0b").is_none());
    }
}
