//! `loupe schema --preset NAME [--to brat|loupe] OUT`: a schema preset as files.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::io::{write_out, Preset};
use super::CliError;
use crate::core::format;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SchemaFormat {
    /// annotation.conf, visual.conf and kb_shortcuts.conf.
    Brat,
    /// schema.json, as the app's schema editor reads it.
    #[value(alias = "json")]
    Loupe,
}

#[derive(Args, Debug)]
pub(crate) struct SchemaFilesArgs {
    /// The preset to write.
    #[arg(long, value_name = "NAME", value_enum)]
    pub preset: Preset,
    /// The files to write.
    #[arg(long, value_name = "FMT", value_enum, default_value = "loupe")]
    pub to: SchemaFormat,
    /// The folder to write into (created if needed).
    #[arg(value_name = "OUT")]
    pub out: String,
}

pub(crate) fn schema_files(args: &SchemaFilesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let schema = args.preset.schema();
    let files = match args.to {
        SchemaFormat::Brat => {
            let conf = schema.to_brat();
            vec![
                ("annotation.conf", conf.annotation),
                ("visual.conf", conf.visual),
                ("kb_shortcuts.conf", conf.kb_shortcuts),
            ]
        }
        SchemaFormat::Loupe => vec![("schema.json", schema.to_json())],
    };
    let files: Vec<format::OutFile> = files
        .into_iter()
        .map(|(n, t)| format::OutFile {
            name: n.into(),
            bytes: t.into_bytes(),
        })
        .collect();
    // Always a folder, even for one file.
    let folder = if args.out.ends_with('/') || args.out == "-" {
        args.out.clone()
    } else {
        format!("{}/", args.out)
    };
    write_out(&files, &folder, out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run_cli, temp};
    use super::super::OK;
    use crate::core::schema::Schema;

    #[test]
    fn schema_writes_brat_conf_files_into_a_folder() {
        let dir = temp("schema").join("conf");
        let (code, _, err) = run_cli(&[
            "schema",
            "--preset",
            "ace2005",
            "--to",
            "brat",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(code, OK, "{err}");
        let ann = std::fs::read_to_string(dir.join("annotation.conf")).unwrap();
        let vis = std::fs::read_to_string(dir.join("visual.conf")).unwrap();
        let kb = std::fs::read_to_string(dir.join("kb_shortcuts.conf")).unwrap();
        assert_eq!(
            Schema::from_brat(&ann, &vis, &kb).unwrap(),
            Schema::ace2005()
        );
    }
}
