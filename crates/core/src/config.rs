//! Configuration: the actor gazetteer and one `[analyzers.NAME]` section per analyzer.
//!
//! The file is read once. The gazetteer is deserialised here; each analyzer
//! section stays raw until that analyzer asks for it with
//! [`AnalyzerSettings::parse`], so core never needs to know an analyzer's keys,
//! yet every error still names the file, the key and the line.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// One party of the story: a person, an organisation, a country, an armed group.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Short stable key, lower case (`haftar`).
    pub id: String,
    /// Display name (`Khalifa Haftar`).
    pub name: String,
    /// `person`, `organisation`, `country`, `armed_group`, …
    #[serde(default)]
    pub kind: String,
    /// The side of the conflict the actor stands on (`gna`, `lna`, `international`).
    #[serde(default)]
    pub side: Option<String>,
    /// Names and spelling variants that refer to the actor; matched whole-word,
    /// case-insensitively and without diacritics (all-capital aliases such as
    /// `UN` only match in capitals).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Descriptions that refer to the actor without naming it (`the strongman`).
    #[serde(default)]
    pub labels: Vec<String>,
}

/// The actors of the corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gazetteer {
    pub actors: Vec<Actor>,
}

impl Gazetteer {
    /// The index of the actor with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }
}

/// A parsed configuration file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where the configuration came from, for error messages (`None`: built-in defaults).
    pub path: Option<PathBuf>,
    pub gazetteer: Arc<Gazetteer>,
    /// Where analyzers put their temporary files (a batch run's `--tmp-dir`);
    /// `None`: the system's temporary folder. Not read from the file: where a
    /// run may write is the run's business, not the analysis's.
    pub scratch_dir: Option<PathBuf>,
    source: Arc<str>,
    sections: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    actors: Vec<Actor>,
    #[serde(default)]
    analyzers: BTreeMap<String, toml::Value>,
}

impl Config {
    /// The configuration a corpus brings with it: `newslens.toml` in the
    /// corpus folder, or in the folder of a corpus file. The REPL and batch
    /// runs both use it when no `--config` is given, so that a corpus is
    /// read with the same gazetteer either way.
    pub fn beside(corpus: &Path) -> Option<PathBuf> {
        let dir = if corpus.is_dir() {
            corpus
        } else {
            corpus.parent()?
        };
        let path = dir.join("newslens.toml");
        path.is_file().then_some(path)
    }

    /// `--config PATH` if given, else the one [beside](Config::beside) the
    /// corpus, else the bundled corpus's.
    pub fn for_corpus(given: Option<&Path>, corpus: Option<&Path>) -> Result<Config> {
        match given
            .map(Path::to_path_buf)
            .or_else(|| corpus.and_then(Config::beside))
        {
            Some(path) => Config::load(&path),
            None => Ok(crate::bundled::config()),
        }
    }

    /// The configuration's text as it was read (the bundled corpus's for the
    /// built-in one), so that a run can keep the configuration it used.
    pub fn text(&self) -> &str {
        &self.source
    }

    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        Config::parse(&text, Some(path))
    }

    /// Parses configuration text; `path` only names it in errors.
    pub fn parse(text: &str, path: Option<&Path>) -> Result<Config> {
        let name = path.map_or("<config>".to_string(), |p| p.display().to_string());
        let file: ConfigFile = toml::from_str(text).map_err(|e| toml_error(&name, text, &e))?;
        let mut seen = BTreeMap::new();
        for (index, actor) in file.actors.iter().enumerate() {
            if actor.id.is_empty() {
                bail!("{name}: actor {} has an empty id", index + 1);
            }
            if seen.insert(actor.id.clone(), index).is_some() {
                bail!("{name}: duplicate actor id {:?}", actor.id);
            }
        }
        Ok(Config {
            path: path.map(Path::to_path_buf),
            gazetteer: Arc::new(Gazetteer {
                actors: file.actors,
            }),
            scratch_dir: None,
            source: text.into(),
            sections: file.analyzers.into_keys().collect(),
        })
    }

    /// The names of the `[analyzers.NAME]` sections present, sorted.
    pub fn analyzer_sections(&self) -> &[String] {
        &self.sections
    }

    /// What an analyzer gets to build itself from.
    pub fn settings_for(&self, analyzer: &str) -> AnalyzerSettings {
        AnalyzerSettings {
            name: analyzer.to_string(),
            config: self.clone(),
        }
    }

    fn display_path(&self) -> String {
        self.path
            .as_ref()
            .map_or("<config>".to_string(), |p| p.display().to_string())
    }
}

/// One analyzer's view of the configuration.
#[derive(Clone, Debug)]
pub struct AnalyzerSettings {
    name: String,
    config: Config,
}

impl AnalyzerSettings {
    /// Settings from the bundled configuration, for tests.
    pub fn for_tests(analyzer: &str) -> AnalyzerSettings {
        crate::testing::bundled_config().settings_for(analyzer)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn gazetteer(&self) -> &Arc<Gazetteer> {
        &self.config.gazetteer
    }

    /// The folder for this analyzer's temporary files (external sorts, spills).
    pub fn scratch_dir(&self) -> PathBuf {
        self.config
            .scratch_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir)
    }

    /// Deserialises this analyzer's `[analyzers.NAME]` section, or `T::default()`
    /// when the section is absent. Errors name the file, the line and the key.
    pub fn parse<T: DeserializeOwned + Default>(&self) -> Result<T> {
        if !self.config.sections.contains(&self.name) {
            return Ok(T::default());
        }
        let text = &*self.config.source;
        let name = self.config.display_path();
        let deserializer =
            toml::Deserializer::parse(text).map_err(|e| toml_error(&name, text, &e))?;
        let seed = SectionSeed::<T> {
            analyzer: &self.name,
            depth: 0,
            _marker: PhantomData,
        };
        let value = seed
            .deserialize(deserializer)
            .map_err(|e| toml_error(&name, text, &e))
            .with_context(|| format!("in [analyzers.{}]", self.name))?;
        Ok(value.unwrap_or_default())
    }
}

/// `file:line:column: message`, the way compilers say it.
fn toml_error(name: &str, text: &str, error: &toml::de::Error) -> anyhow::Error {
    let message = error.message().trim_end();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            let key = text[span.clone()].trim();
            anyhow::anyhow!("{name}:{line}:{column}: {message} (at `{key}`)")
        }
        None => anyhow::anyhow!("{name}: {message}"),
    }
}

/// Walks the document and deserialises only `analyzers.<analyzer>` into `T`,
/// keeping the deserializer's spans so errors point at the right line:
/// `depth` 0 is the document, 1 the `analyzers` table.
struct SectionSeed<'a, T> {
    analyzer: &'a str,
    depth: u8,
    _marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for SectionSeed<'_, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for SectionSeed<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            match (self.depth, key == "analyzers", key == self.analyzer) {
                (0, true, _) => {
                    found = map.next_value_seed(SectionSeed {
                        analyzer: self.analyzer,
                        depth: 1,
                        _marker: PhantomData::<T>,
                    })?;
                }
                (1, _, true) => found = Some(map.next_value::<T>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
    struct Toy {
        min_count: u32,
        lexicon: String,
    }

    fn config(text: &str) -> Config {
        Config::parse(text, Some(Path::new("newslens.toml"))).unwrap()
    }

    #[test]
    fn an_absent_section_gives_the_defaults() {
        let c = config("[[actors]]\nid = \"un\"\nname = \"United Nations\"\n");
        assert_eq!(
            c.settings_for("toy").parse::<Toy>().unwrap(),
            Toy::default()
        );
        assert_eq!(c.gazetteer.find("un"), Some(0));
    }

    #[test]
    fn a_section_is_read_with_its_own_keys() {
        let c = config("[analyzers.toy]\nmin-count = 3\n\n[analyzers.other]\nx = 1\n");
        let toy: Toy = c.settings_for("toy").parse().unwrap();
        assert_eq!(toy.min_count, 3);
        assert_eq!(c.analyzer_sections(), ["other", "toy"]);
    }

    #[test]
    fn an_unknown_key_names_file_line_and_key() {
        let c = config("# comment\n[analyzers.toy]\nmin-count = 3\nlexcon = \"news\"\n");
        let error = format!("{:#}", c.settings_for("toy").parse::<Toy>().unwrap_err());
        assert!(error.contains("newslens.toml:4:"), "{error}");
        assert!(error.contains("lexcon"), "{error}");
        assert!(error.contains("analyzers.toy"), "{error}");
    }

    #[test]
    fn a_wrong_type_names_the_line() {
        let c = config("[analyzers.toy]\nmin-count = \"three\"\n");
        let error = format!("{:#}", c.settings_for("toy").parse::<Toy>().unwrap_err());
        assert!(error.contains("newslens.toml:2:"), "{error}");
    }

    #[test]
    fn gazetteer_errors_are_clear() {
        let error = Config::parse("[[actors]]\nid = \"a\"\nname = \"A\"\nsde = \"x\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("<config>:4:"), "{error}");
        let error = Config::parse(
            "[[actors]]\nid = \"a\"\nname = \"A\"\n[[actors]]\nid = \"a\"\nname = \"B\"\n",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("duplicate actor id"), "{error}");
    }
}
