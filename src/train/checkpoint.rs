//! Training checkpoints: all weights in f32 plus the loop's position, so an interrupted run
//! resumes where it stopped (AdamW's moment estimates are not kept: tch does not expose
//! them; they rebuild within a few dozen steps).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tch::{nn, Kind};

use crate::error::{Error, Result};
use crate::model::encoder::{write_json, write_weights};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Position {
    /// Epoch being run (0-based).
    pub epoch: usize,
    /// Batches of that epoch already done.
    pub batch: usize,
    /// Optimiser steps done in total.
    pub step: usize,
    pub best_score: f64,
    pub best_epoch: Option<usize>,
    /// Dev scores after each finished epoch.
    pub history: Vec<serde_json::Value>,
    /// The training configuration, to refuse resuming a different run.
    pub config: serde_json::Value,
}

pub struct Checkpoint {
    dir: PathBuf,
}

impl Checkpoint {
    /// The folder the checkpoint lives in.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    pub fn new(dir: &Path) -> Self {
        Checkpoint {
            dir: dir.to_path_buf(),
        }
    }

    fn weights(&self) -> PathBuf {
        self.dir.join("weights.safetensors")
    }

    fn state(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    pub(crate) fn save(&self, vs: &nn::VarStore, position: &Position) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        // Weights first: a state file never points at older weights than it describes.
        write_weights(vs, &self.weights(), Kind::Float, |_| true)?;
        let state = serde_json::to_value(position).map_err(|e| Error::Invalid(e.to_string()))?;
        write_json(&self.state(), &state)
    }

    /// The saved position, if a checkpoint exists.
    pub fn position(&self) -> Result<Option<Position>> {
        let path = self.state();
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::model(&self.dir, format!("state.json is damaged: {e}")))
    }

    pub(crate) fn restore(&self, vs: &nn::VarStore) -> Result<()> {
        let weights = crate::model::encoder::read_weights(&self.weights(), "")?;
        crate::model::encoder::fill(vs, &weights)?;
        Ok(())
    }
}
