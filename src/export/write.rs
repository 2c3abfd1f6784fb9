//! Where an export goes and in what encoding: stdout or a file written atomically (a
//! temporary file beside it, renamed over it only once complete, so a reader never sees half
//! a table and a failed export leaves any earlier file in place); CSV rows or Parquet row
//! groups.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::table::{Cell, Kind};
use super::ExportError;

/// A file being written under a temporary name in its final folder.
pub struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self, ExportError> {
        let name = path
            .file_name()
            .ok_or_else(|| ExportError::Usage(format!("-o {}: not a file name", path.display())))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".tmp-{}", std::process::id()));
        let temp = path.with_file_name(temp_name);
        let file = File::create(&temp).map_err(|e| ExportError::io(&temp, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// The open file, to write through.
    pub fn file(&self) -> Result<File, ExportError> {
        let file = self.file.as_ref().ok_or_else(|| {
            ExportError::Usage(format!("{} is already closed", self.path.display()))
        })?;
        file.try_clone().map_err(|e| ExportError::io(&self.temp, e))
    }

    /// Flushes the file to disk and gives it its name.
    pub fn commit(mut self) -> Result<(), ExportError> {
        if let Some(file) = self.file.take() {
            file.sync_all()
                .map_err(|e| ExportError::io(&self.temp, e))?;
        }
        std::fs::rename(&self.temp, &self.path).map_err(|e| ExportError::io(&self.path, e))
    }
}

impl Drop for AtomicFile {
    /// Not committed: the temporary file goes.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Rows of one table in one encoding.
pub trait RowWriter {
    fn write(&mut self, row: &[Cell]) -> Result<(), ExportError>;
    /// Writes what is buffered and the file's footer.
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// CSV (RFC 4180 quoting) with a header line; a missing value is an empty field.
pub struct Csv<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> Csv<W> {
    pub fn new(out: W, columns: &[(&str, Kind)]) -> Result<Self, ExportError> {
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

/// Rows per Parquet row group: bounds the memory an export holds (a group is buffered
/// whole) while keeping groups big enough to scan well.
const ROW_GROUP: usize = 50_000;

/// Parquet, snappy-compressed, every column optional (nullable).
pub struct Parquet {
    out: SerializedFileWriter<BufWriter<File>>,
    kinds: Vec<Kind>,
    buffered: Vec<Vec<Cell>>,
}

impl Parquet {
    pub fn new(file: File, columns: &[(&str, Kind)]) -> Result<Self, ExportError> {
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
        Ok(())
    }
}

impl RowWriter for Parquet {
    fn write(&mut self, row: &[Cell]) -> Result<(), ExportError> {
        // A cell of the wrong kind would be dropped from its column and shift the rest:
        // refuse it (a bug in `table`, which its tests guard).
        if let Some(i) = (row.iter().zip(&self.kinds)).position(|(c, k)| !c.fits(*k)) {
            return Err(ExportError::Usage(format!(
                "internal: column {i} of a row is {:?}, not {:?}",
                row[i], self.kinds[i]
            )));
        }
        if row.len() != self.kinds.len() {
            return Err(ExportError::Usage(format!(
                "internal: a row of {} cells for {} columns",
                row.len(),
                self.kinds.len()
            )));
        }
        self.buffered.push(row.to_vec());
        if self.buffered.len() >= ROW_GROUP {
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
