//! The model folders on disk: where they are looked up ([`ModelPaths::locate`]) and what
//! they hold ([`describe`]). Loading and running the models is `model`'s job.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where the models are: the folder of model folders and the base encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// The folder holding `ner/`, `attribution/`, `sentiment/` and `companies.json`.
    pub models: PathBuf,
    /// The base encoder folder, source of the word embeddings the model folders leave out.
    pub base: PathBuf,
}

impl ModelPaths {
    /// The model folders to use. Each path is searched for in this order, the first that
    /// applies wins:
    ///
    /// 1. the explicit path (`--models`, `--base-model`), used as given;
    /// 2. the environment variable `CLAIMLINK_MODELS` / `CLAIMLINK_BASE_MODEL`, as given;
    /// 3. `models` / `base` next to the executable (symbolic links resolved), if it exists
    ///    there: the layout of the portable bundle (`scripts/bundle.sh`), whose models then
    ///    win over a `models` folder that happens to be in the working directory;
    /// 4. `models` / `.libtorch/base` under the current directory, if it exists there;
    /// 5. the same path inside the claimlink checkout this library was built from.
    ///
    /// Nothing is checked beyond steps 3 and 4's existence tests: a missing folder is
    /// reported by whatever loads from it.
    pub fn locate(models: Option<&Path>, base: Option<&Path>) -> Self {
        let beside = |name: &str| Some(executable_dir()?.join(name));
        ModelPaths {
            models: resolve(
                models,
                std::env::var_os(MODELS_VAR),
                beside(MODELS_BESIDE),
                MODELS_LOCAL,
            ),
            base: resolve(
                base,
                std::env::var_os(BASE_VAR),
                beside(BASE_BESIDE),
                BASE_LOCAL,
            ),
        }
    }
}

/// The folder of the running executable, its links resolved.
fn executable_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let exe = exe.canonicalize().unwrap_or(exe);
    exe.parent().map(Path::to_path_buf)
}

/// The environment variable naming the folder of model folders.
pub(crate) const MODELS_VAR: &str = "CLAIMLINK_MODELS";
/// The environment variable naming the base encoder folder.
pub(crate) const BASE_VAR: &str = "CLAIMLINK_BASE_MODEL";
const MODELS_LOCAL: &str = "models";
const BASE_LOCAL: &str = ".libtorch/base";
/// The folders' names next to the executable, as the bundle lays them out.
const MODELS_BESIDE: &str = "models";
const BASE_BESIDE: &str = "base";

/// The search order of [`ModelPaths::locate`] for one path, with the variable's value and
/// the path next to the executable given.
fn resolve(
    explicit: Option<&Path>,
    env: Option<OsString>,
    beside: Option<PathBuf>,
    local: &str,
) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_path_buf();
    }
    if let Some(path) = env {
        return PathBuf::from(path);
    }
    if let Some(path) = beside.filter(|p| p.exists()) {
        return path;
    }
    let here = PathBuf::from(local);
    if here.exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(local)
}

/// One model folder: a folder with a `config.json`, and its `training.json` when present.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFolder {
    /// The folder.
    pub path: PathBuf,
    /// Bytes of the files directly in it.
    pub bytes: u64,
    /// `training.json`'s `task` (ner, sentiment, attribution).
    pub task: Option<String>,
    /// The dev score the model was selected on: `dev.f1`, else `dev.macro_f1`.
    pub dev_score: Option<f64>,
    /// The epoch that was kept.
    pub best_epoch: Option<u64>,
}

/// What `claimlink models` prints: the model folders, sorted by path, and the base encoder.
/// `Display` writes one tab-separated line per folder, then the base encoder's line.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelsReport {
    /// The model folders found, sorted by path.
    pub folders: Vec<ModelFolder>,
    /// The base encoder folder (not checked).
    pub base: PathBuf,
}

/// Lists the model folders in `paths.models` (those with a `config.json`) with their size
/// and how they were trained. A missing or malformed `training.json` leaves its fields
/// unknown; only an unreadable folder is an error.
pub fn describe(paths: &ModelPaths) -> Result<ModelsReport> {
    let dir = &paths.models;
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("config.json").is_file())
        .collect();
    folders.sort();
    let folders = folders
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read_dir(&path)
                .map_err(|e| Error::io(&path, e))?
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum();
            Ok(folder(path, bytes))
        })
        .collect::<Result<_>>()?;
    Ok(ModelsReport {
        folders,
        base: paths.base.clone(),
    })
}

/// The folder's entry, from its `training.json` when that can be read.
fn folder(path: PathBuf, bytes: u64) -> ModelFolder {
    let training: serde_json::Value = std::fs::read_to_string(path.join("training.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let dev = &training["dev"];
    ModelFolder {
        path,
        bytes,
        task: training["task"].as_str().map(str::to_string),
        dev_score: dev["f1"].as_f64().or_else(|| dev["macro_f1"].as_f64()),
        best_epoch: training["best_epoch"].as_u64(),
    }
}

impl fmt::Display for ModelFolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unknown = || "?".to_string();
        write!(
            f,
            "{}\t{:.1} MiB\ttask {}\tdev F1 {}\tbest epoch {}",
            self.path.display(),
            self.bytes as f64 / (1024.0 * 1024.0),
            self.task.as_deref().unwrap_or("?"),
            self.dev_score.map_or_else(unknown, |s| format!("{s:.4}")),
            self.best_epoch.map_or_else(unknown, |e| e.to_string()),
        )
    }
}

impl fmt::Display for ModelsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for folder in &self.folders {
            writeln!(f, "{folder}")?;
        }
        writeln!(f, "base encoder: {}", self.base.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_beats_environment_beats_executable_beats_local_beats_checkout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let local = dir.path().join("models");
        let local_str = local.to_str().expect("utf-8");
        let exe = dir.path().join("bin/models");
        let beside = || Some(exe.clone());
        let flag = Path::new("/flag/models");
        let env = || Some(OsString::from("/env/models"));
        assert_eq!(resolve(Some(flag), env(), beside(), local_str), flag);
        assert_eq!(
            resolve(None, env(), beside(), local_str),
            Path::new("/env/models")
        );
        // Not there yet: the checkout's copy.
        assert_eq!(
            resolve(None, None, beside(), "no-such-folder-here"),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-folder-here")
        );
        std::fs::create_dir(&local).expect("mkdir");
        assert_eq!(resolve(None, None, beside(), local_str), local);
        assert_eq!(resolve(None, None, None, local_str), local);
        std::fs::create_dir_all(&exe).expect("mkdir");
        assert_eq!(resolve(None, None, beside(), local_str), exe);
    }

    fn write(path: &Path, text: &str) {
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn describe_lists_model_folders_sorted_with_what_training_json_says() {
        let dir = tempfile::tempdir().expect("tempdir");
        let models = dir.path();
        for name in ["sentiment", "ner", "broken", "not-a-model"] {
            std::fs::create_dir(models.join(name)).expect("mkdir");
        }
        for name in ["sentiment", "ner", "broken"] {
            write(&models.join(name).join("config.json"), "{}");
        }
        write(
            &models.join("ner/training.json"),
            r#"{"task": "ner", "dev": {"f1": 0.94187}, "best_epoch": 8}"#,
        );
        write(
            &models.join("sentiment/training.json"),
            r#"{"task": "sentiment", "dev": {"macro_f1": 0.8}, "best_epoch": 1}"#,
        );
        write(&models.join("broken/training.json"), "{not json");
        write(&models.join("companies.json"), "{}");
        let paths = ModelPaths {
            models: models.to_path_buf(),
            base: PathBuf::from("base"),
        };
        let report = describe(&paths).expect("describe");
        let names: Vec<_> = (report.folders.iter())
            .map(|f| f.path.file_name().expect("name").to_string_lossy())
            .collect();
        assert_eq!(names, ["broken", "ner", "sentiment"]);
        assert_eq!(report.folders[1].task.as_deref(), Some("ner"));
        assert_eq!(report.folders[2].dev_score, Some(0.8));
        assert_eq!(report.folders[0].task, None);
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(
            lines[0].ends_with("task ?\tdev F1 ?\tbest epoch ?"),
            "{text}"
        );
        assert!(
            lines[1].ends_with("task ner\tdev F1 0.9419\tbest epoch 8"),
            "{text}"
        );
        assert_eq!(lines[3], "base encoder: base");
    }

    #[test]
    fn describe_of_a_missing_folder_names_it() {
        let paths = ModelPaths {
            models: PathBuf::from("/no/such/models"),
            base: PathBuf::from("base"),
        };
        let error = describe(&paths).expect_err("missing folder");
        assert!(error.to_string().contains("/no/such/models"), "{error}");
    }
}
