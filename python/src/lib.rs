//! `claimlink._claimlink`: the library's `Pipeline` for Python. Articles come in and
//! records go out as JSON text, read and written by the same code as the command line
//! (`io::read::parse_line`, `OutputLine::to_json`), so the records and the input error
//! messages are the CLI's, byte for byte. The pure-Python package `claimlink` wraps this.

// pyo3 0.22's create_exception! tests a cfg (`gil-refs`) newer compilers do not know.
#![allow(unexpected_cfgs)]
// ...and its #[pymethods] expansion converts PyErr into itself (a clippy false positive).
#![allow(clippy::useless_conversion)]

use std::path::PathBuf;
use std::sync::Mutex;

use claimlink::io::read::parse_line;
use claimlink::model_paths::ModelPaths;
use claimlink::record::OutputLine;
use claimlink::{Article, Options};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    _claimlink,
    ClaimlinkError,
    PyRuntimeError,
    "A claimlink failure: the models cannot be loaded, inference failed, or an article could not be processed."
);

/// The `file` the CLI's error messages and default ids name for a Python input.
const INPUT: &str = "<python>";

/// The loaded models; `annotate_json` runs them over a batch.
#[pyclass(frozen, module = "claimlink._claimlink")]
struct Pipeline {
    /// libtorch tensors are not `Sync`: calls from several Python threads take turns
    /// (each already uses every libtorch thread), waiting without the GIL.
    inner: Mutex<claimlink::Pipeline>,
    /// Where the models came from, for `repr`.
    paths: ModelPaths,
}

#[pymethods]
impl Pipeline {
    /// Loads the models once. `models`/`base` as the CLI's `--models`/`--base-model`
    /// (`None`: the CLI's lookup); `threads` sizes libtorch's and rayon's pools as `--threads`.
    #[new]
    #[pyo3(signature = (models=None, base=None, threads=None))]
    fn new(
        py: Python<'_>,
        models: Option<PathBuf>,
        base: Option<PathBuf>,
        threads: Option<usize>,
    ) -> PyResult<Self> {
        if threads == Some(0) {
            return Err(PyValueError::new_err("threads must be 1 or more"));
        }
        let paths = ModelPaths::locate(models.as_deref(), base.as_deref());
        let n = threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        let inner = py.allow_threads(|| {
            tch::set_num_threads(n as i32);
            // The global pool exists after the first Pipeline of the process: it is kept.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global();
            claimlink::Pipeline::load(&paths.models, &paths.base, Options::default())
        });
        let inner = inner.map_err(|e| {
            ClaimlinkError::new_err(format!(
                "cannot load the models in {} (base encoder {}): {e}",
                paths.models.display(),
                paths.base.display()
            ))
        })?;
        Ok(Pipeline {
            inner: Mutex::new(inner),
            paths,
        })
    }

    /// Parses JSON article lines as `claimlink run` does (numbered from `first_line`).
    /// Returns `None` when every line is an article, else `(index, kind, message, id)` of
    /// the first that is not.
    #[pyo3(signature = (lines, first_line=1))]
    fn check_json(
        &self,
        lines: Vec<String>,
        first_line: usize,
    ) -> Option<(usize, String, String, Option<String>)> {
        lines.iter().enumerate().find_map(|(i, line)| {
            parse_line(line.as_bytes(), INPUT, first_line + i)
                .err()
                .map(|e| (i, e.kind.to_string(), e.message, e.id))
        })
    }

    /// Annotates JSON article lines (`claimlink run`'s input format), returning the JSON
    /// record lines it would write, in order. The GIL is released while the models run.
    /// `first_line` numbers the lines for default ids (`<python>:LINE`), as the CLI does
    /// within its input file. An input that is not an article raises `ValueError`
    /// (checked before any inference); an article that fails raises `ClaimlinkError`.
    #[pyo3(signature = (lines, first_line=1))]
    fn annotate_json(
        &self,
        py: Python<'_>,
        lines: Vec<String>,
        first_line: usize,
    ) -> PyResult<Vec<String>> {
        let mut articles: Vec<Article> = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            let article = parse_line(line.as_bytes(), INPUT, first_line + i)
                .map_err(|e| PyValueError::new_err(e.message))?;
            articles.push(article);
        }
        let outcomes = py
            .allow_threads(|| {
                // A panic while annotating poisons the lock; the models are still whole.
                let pipeline = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                pipeline.annotate(&articles)
            })
            .map_err(|e| ClaimlinkError::new_err(e.to_string()))?;
        if outcomes.len() != articles.len() {
            return Err(ClaimlinkError::new_err(
                "the pipeline returned fewer records than articles",
            ));
        }
        (outcomes.into_iter().zip(&articles))
            .map(|(outcome, article)| match outcome {
                Ok(annotated) => Ok(OutputLine::Record(annotated.record).to_json()),
                Err(message) => Err(ClaimlinkError::new_err(format!(
                    "article {}: {message}",
                    article.id
                ))),
            })
            .collect()
    }

    /// The folder of model folders in use.
    #[getter]
    fn models(&self) -> PathBuf {
        self.paths.models.clone()
    }

    /// The base encoder folder in use.
    #[getter]
    fn base(&self) -> PathBuf {
        self.paths.base.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "claimlink.Pipeline(models={:?}, base={:?})",
            self.paths.models, self.paths.base
        )
    }
}

#[pymodule]
fn _claimlink(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pipeline>()?;
    m.add("ClaimlinkError", m.py().get_type_bound::<ClaimlinkError>())?;
    Ok(())
}
