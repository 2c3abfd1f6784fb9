//! The encodings an export writes rows in: CSV rows or Parquet row groups (where they
//! go, and how atomically, is `io::write::OutputFile`'s job).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::table::{Cell, Kind};
use super::ExportError;

/// Rows of one table in one encoding.
pub(crate) trait RowWriter {
    fn write(&mut self, row: &[Cell]) -> Result<(), ExportError>;
    /// Writes what is buffered and the file's footer.
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// CSV (RFC 4180 quoting) with a header line; a missing value is an empty field.
pub(super) struct Csv<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> Csv<W> {
    pub(super) fn new(out: W, columns: &[(&str, Kind)]) -> Result<Self, ExportError> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(columns.iter().map(|(name, _)| name))?;
        Ok(Csv { out })
    }
}

impl<W: Write> RowWriter for Csv<W> {
    fn write(&mut self, row: &[Cell]) -> Result<(), ExportError> {
        let field = |cell: &Cell| match cell {
            Cell::Null => String::new(),
            Cell::Str(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(x) => x.to_string(),
        };
        self.out.write_record(row.iter().map(field))?;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.out
            .flush()
            .map_err(|e| ExportError::io(Path::new("output"), e))
    }
}

/// Rows per Parquet row group, at most: a group is buffered whole, so this bounds the
/// memory an export holds while keeping groups big enough to scan well.
const ROW_GROUP: usize = 50_000;
/// Bytes of cells per row group, at most: articles with their text are large rows.
const ROW_GROUP_BYTES: usize = 64 << 20;

/// Roughly what a cell takes in a buffered row group.
fn cell_bytes(cell: &Cell) -> usize {
    match cell {
        Cell::Str(s) => s.len() + 24,
        _ => 16,
    }
}

/// Parquet, snappy-compressed, every column optional (nullable).
pub(super) struct Parquet {
    out: SerializedFileWriter<BufWriter<File>>,
    kinds: Vec<Kind>,
    buffered: Vec<Vec<Cell>>,
    buffered_bytes: usize,
    /// When to end a row group: rows, bytes.
    limits: (usize, usize),
}

impl Parquet {
    pub(super) fn new(file: File, columns: &[(&str, Kind)]) -> Result<Self, ExportError> {
        Self::with_limits(file, columns, (ROW_GROUP, ROW_GROUP_BYTES))
    }

    fn with_limits(
        file: File,
        columns: &[(&str, Kind)],
        limits: (usize, usize),
    ) -> Result<Self, ExportError> {
        let fields: String = (columns.iter())
            .map(|(name, kind)| match kind {
                Kind::Str => format!("OPTIONAL BYTE_ARRAY {name} (UTF8);"),
                Kind::Int => format!("OPTIONAL INT64 {name};"),
                Kind::Float => format!("OPTIONAL DOUBLE {name};"),
            })
            .collect();
        let schema = Arc::new(parse_message_type(&format!(
            "message claimlink {{{fields}}}"
        ))?);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("claimlink {}", env!("CARGO_PKG_VERSION")))
            .build();
        let out = SerializedFileWriter::new(BufWriter::new(file), schema, Arc::new(props))?;
        Ok(Parquet {
            out,
            kinds: columns.iter().map(|(_, kind)| *kind).collect(),
            buffered: Vec::new(),
            buffered_bytes: 0,
            limits,
        })
    }

    /// Writes the buffered rows as one row group, column by column.
    fn flush_group(&mut self) -> Result<(), ExportError> {
        if self.buffered.is_empty() {
            return Ok(());
        }
        let mut group = self.out.next_row_group()?;
        let mut index = 0;
        while let Some(mut column) = group.next_column()? {
            let cells = self.buffered.iter().map(|row| &row[index]);
            let defined: Vec<i16> = cells.clone().map(|c| i16::from(*c != Cell::Null)).collect();
            match self.kinds[index] {
                Kind::Str => {
                    let values: Vec<ByteArray> = (cells.clone())
                        .filter_map(|c| match c {
                            Cell::Str(s) => Some(ByteArray::from(s.as_str())),
                            _ => None,
                        })
                        .collect();
                    (column.typed::<ByteArrayType>()).write_batch(&values, Some(&defined), None)?;
                }
                Kind::Int => {
                    let values: Vec<i64> = (cells.clone())
                        .filter_map(|c| match c {
                            Cell::Int(n) => Some(*n),
                            _ => None,
                        })
                        .collect();
                    (column.typed::<Int64Type>()).write_batch(&values, Some(&defined), None)?;
                }
                Kind::Float => {
                    let values: Vec<f64> = (cells.clone())
                        .filter_map(|c| match c {
                            Cell::Float(x) => Some(*x),
                            _ => None,
                        })
                        .collect();
                    (column.typed::<DoubleType>()).write_batch(&values, Some(&defined), None)?;
                }
            }
            column.close()?;
            index += 1;
        }
        group.close()?;
        self.buffered.clear();
        self.buffered_bytes = 0;
        Ok(())
    }
}

impl RowWriter for Parquet {
    fn write(&mut self, row: &[Cell]) -> Result<(), ExportError> {
        if row.len() != self.kinds.len() {
            return Err(ExportError::Usage(format!(
                "internal: a row of {} cells for {} columns",
                row.len(),
                self.kinds.len()
            )));
        }
        // A cell of the wrong kind would be dropped from its column and shift the rest:
        // refuse it (a bug in `table`, which its tests guard).
        if let Some(i) = (row.iter().zip(&self.kinds)).position(|(c, k)| !c.fits(*k)) {
            return Err(ExportError::Usage(format!(
                "internal: column {i} of a row is {:?}, not {:?}",
                row[i], self.kinds[i]
            )));
        }
        self.buffered_bytes += row.iter().map(cell_bytes).sum::<usize>();
        self.buffered.push(row.to_vec());
        if self.buffered.len() >= self.limits.0 || self.buffered_bytes >= self.limits.1 {
            self.flush_group()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.flush_group()?;
        let mut out = self.out.into_inner()?;
        out.flush()
            .map_err(|e| ExportError::io(Path::new("output"), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    const COLUMNS: [(&str, Kind); 3] = [("s", Kind::Str), ("n", Kind::Int), ("x", Kind::Float)];

    fn row(i: i64) -> Vec<Cell> {
        vec![
            Cell::Str(format!("{i}, \"quoted\"\n{}", "x".repeat(50))),
            if i % 2 == 0 { Cell::Int(i) } else { Cell::Null },
            Cell::Float(i as f64 / 4.0),
        ]
    }

    #[test]
    fn parquet_row_groups_end_at_the_byte_limit_and_every_row_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.parquet");
        let file = File::create(&path).expect("create");
        let mut writer =
            Box::new(Parquet::with_limits(file, &COLUMNS, (1000, 200)).expect("writer"));
        for i in 0..5 {
            writer.write(&row(i)).expect("write");
        }
        writer.finish().expect("finish");
        let reader = SerializedFileReader::new(File::open(&path).expect("open")).expect("read");
        assert_eq!(reader.metadata().num_row_groups(), 3);
        let rows: Vec<_> = (reader.get_row_iter(None).expect("rows"))
            .map(|r| r.expect("row").into_columns())
            .collect();
        assert_eq!(rows.len(), 5);
        for (i, row) in (0..).zip(&rows) {
            let text = match &self::row(i)[0] {
                Cell::Str(s) => s.clone(),
                other => panic!("{other:?}"),
            };
            assert_eq!(row[0].1, Field::Str(text));
            let n = if i % 2 == 0 {
                Field::Long(i)
            } else {
                Field::Null
            };
            assert_eq!(row[1].1, n);
            assert_eq!(row[2].1, Field::Double(i as f64 / 4.0));
        }
    }

    #[test]
    fn parquet_refuses_a_cell_of_the_wrong_kind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = File::create(dir.path().join("t.parquet")).expect("create");
        let mut writer = Parquet::new(file, &COLUMNS).expect("writer");
        let bad = vec![Cell::Int(1), Cell::Null, Cell::Null];
        assert!(writer.write(&bad).is_err());
        assert!(writer.write(&bad[..2]).is_err());
    }

    #[test]
    fn csv_quotes_what_needs_it_and_leaves_missing_values_empty() {
        let mut out = Vec::new();
        let mut writer = Box::new(Csv::new(&mut out, &COLUMNS).expect("writer"));
        writer.write(&row(1)).expect("write");
        writer.finish().expect("finish");
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let record = reader.records().next().expect("a row").expect("CSV");
        assert_eq!(&record[0], format!("1, \"quoted\"\n{}", "x".repeat(50)));
        assert_eq!(&record[1], "");
        assert_eq!(&record[2], "0.25");
    }
}
