//! What MySQL and MariaDB write their own way: InnoDB's implicit foreign-key indexes,
//! column changes as whole-column `MODIFY COLUMN`, comments inside the definitions,
//! enums in the column types, and the defaults and keys the server would change silently.

use aludel_schema::{
    AlterColumn, Column, ColumnType, Dialect, ForeignKey, Schema, Table, TableName,
    normalize_default, quote_ident, quote_list, quote_literal, quote_table,
};

use super::{Cx, Ddl, EnumChange, build, column_def, sq_table};
use crate::{Error, Result};

const D: Dialect = Dialect::MySql;

pub(super) struct MySql;

impl Ddl for MySql {
    fn dialect(&self) -> Dialect {
        D
    }

    fn set_table_comment(&self, table: &TableName, to: Option<&str>) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} COMMENT = {}",
            quote_table(D, table),
            quote_literal(D, to.unwrap_or(""))
        )]
    }

    fn table_suffix(&self, t: &Table) -> String {
        match &t.comment {
            Some(c) => format!(" COMMENT {}", quote_literal(D, c)),
            None => String::new(),
        }
    }

    fn refuse_column(&self, col: &Column, t: &Table) -> Result<()> {
        if let ColumnType::Decimal {
            precision: None, ..
        } = col.ty
        {
            return Err(Error::Unsupported {
                dialect: D,
                what: format!(
                    "create {}.{} as a DECIMAL without precision: MySQL makes it DECIMAL(10, 0) and drops every fraction; give the field precision = P, scale = S",
                    t.name, col.name
                ),
            });
        }
        Ok(())
    }

    fn auto_increment(&self, _col: &Column, _t: &Table) -> Result<&'static str> {
        Ok("AUTO_INCREMENT")
    }

    fn default_sql(&self, expr: &str, ty: &ColumnType) -> Option<String> {
        let norm = normalize_default(expr, ty, D);
        if ty.canonical(D) == ColumnType::Timestamp && norm.as_deref() == Some("current_timestamp")
        {
            // DATETIME(6) wants a default of the same precision.
            return Some("CURRENT_TIMESTAMP(6)".into());
        }
        // MySQL accepts only expression defaults on LOB types, and only
        // CURRENT_TIMESTAMP may stand without parentheses.
        let parens =
            ty.is_mysql_lob() || matches!(norm.as_deref(), Some("current_date" | "current_time"));
        parens.then(|| format!("({expr})"))
    }

    fn column_suffix(&self, col: &Column, _t: &Table) -> Vec<String> {
        col.comment
            .iter()
            .map(|c| format!("COMMENT {}", quote_literal(D, c)))
            .collect()
    }

    fn alter_column(&self, a: &AlterColumn, new: &Column, t: &Table) -> Result<Vec<String>> {
        modify_column(a, new, t)
    }

    fn partial_indexes(&self) -> bool {
        false
    }

    fn drop_index(
        &self,
        cx: &Cx,
        table: &TableName,
        name: &str,
        _conc: bool,
    ) -> Result<Vec<String>> {
        let mut out = keep_fk_index(cx.table(table)?, name);
        out.push(format!(
            "DROP INDEX {} ON {}",
            quote_ident(D, name),
            quote_table(D, table)
        ));
        Ok(out)
    }

    fn drop_unique(&self, cx: &Cx, table: &TableName, name: &str) -> Result<Vec<String>> {
        let mut out = keep_fk_index(cx.table(table)?, name);
        out.push(format!(
            "ALTER TABLE {} DROP INDEX {}",
            quote_table(D, table),
            quote_ident(D, name)
        ));
        Ok(out)
    }

    /// MySQL drops a primary key by what it is; its name is always PRIMARY.
    fn names_primary_key(&self) -> bool {
        false
    }

    fn drop_primary_key(&self, t: &Table) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} DROP PRIMARY KEY",
            quote_table(D, &t.table_name())
        )]
    }

    fn drop_foreign_key(&self, cx: &Cx, table: &TableName, name: &str) -> Result<Vec<String>> {
        let mut out = vec![format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}",
            quote_table(D, table),
            quote_ident(D, name)
        )];
        out.extend(drop_implicit_index(cx.table(table)?, name));
        Ok(out)
    }

    fn alter_enum(&self, _cx: &Cx, change: &EnumChange, after: &Schema) -> Result<Vec<String>> {
        alter_enum_columns(&change.users, after)
    }
}

/// `MODIFY COLUMN` with the whole column as it is after `a` (MySQL has no per-clause
/// column changes).
fn modify_column(a: &AlterColumn, new: &Column, t: &Table) -> Result<Vec<String>> {
    let mut st = sea_query::Table::alter();
    st.table(sq_table(&a.table))
        .modify_column(column_def(new, t, D)?);
    Ok(vec![build(&st, D)])
}

/// An enum's values live in each column's type: every column that uses it is modified to
/// its type in `after`.
fn alter_enum_columns(
    users: &[(&Table, &Column)],
    after: &aludel_schema::Schema,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (t, c) in users {
        let tn = t.table_name();
        let (Some(new_t), Some(new_c)) = (
            after.table(&tn),
            after.table(&tn).and_then(|nt| nt.get_column(&c.name)),
        ) else {
            return Err(Error::Internal {
                op: format!("alter enum column {tn}.{}", c.name),
                message: "the column is gone after the change".into(),
            });
        };
        let mut st = sea_query::Table::alter();
        st.table(sq_table(&tn))
            .modify_column(column_def(new_c, new_t, D)?);
        out.push(build(&st, D));
    }
    Ok(out)
}

/// Whether an index, unique constraint or primary key of `t` other than `except` starts
/// with `cols`: what InnoDB needs to enforce a foreign key on `cols`.
fn fk_supported(t: &Table, cols: &[String], except: Option<&str>) -> bool {
    let starts = |c: &[String]| c.len() >= cols.len() && c[..cols.len()] == *cols;
    t.primary_key.as_ref().is_some_and(|p| starts(&p.columns))
        || t.uniques
            .iter()
            .any(|u| u.name.as_deref() != except && starts(&u.columns))
        || t.indexes
            .iter()
            .any(|i| i.name.as_deref() != except && i.predicate.is_none() && starts(&i.columns))
}

/// InnoDB creates an index for a foreign key no index supports, named after the
/// constraint (or after the first column when the constraint had no name, which InnoDB
/// then calls `<table>_ibfk_<n>`). The introspector leaves it out of the schema.
fn implicit_index_name(t: &Table, fk: &ForeignKey) -> String {
    let name = fk.name.clone().unwrap_or_default();
    let generated = name
        .strip_prefix(&format!("{}_ibfk_", t.name))
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
    if generated {
        fk.columns.first().cloned().unwrap_or(name)
    } else {
        name
    }
}

/// Dropping a foreign key leaves InnoDB's implicit index behind: drop it too.
fn drop_implicit_index(t: &Table, fk_name: &str) -> Option<String> {
    let fk = t
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some(fk_name))?;
    if fk_supported(t, &fk.columns, None) {
        return None;
    }
    Some(format!(
        "ALTER TABLE {} DROP INDEX {}",
        quote_table(D, &t.table_name()),
        quote_ident(D, &implicit_index_name(t, fk))
    ))
}

/// InnoDB refuses to drop the last index that supports a foreign key (and drops its own
/// implicit index when another one comes): before dropping such an index, create the one
/// InnoDB would have made.
fn keep_fk_index(t: &Table, index: &str) -> Vec<String> {
    let Some(cols) = t
        .indexes
        .iter()
        .find(|i| i.name.as_deref() == Some(index))
        .map(|i| &i.columns)
        .or_else(|| {
            t.uniques
                .iter()
                .find(|u| u.name.as_deref() == Some(index))
                .map(|u| &u.columns)
        })
    else {
        return Vec::new();
    };
    t.foreign_keys
        .iter()
        .filter(|f| {
            cols.len() >= f.columns.len()
                && cols[..f.columns.len()] == f.columns[..]
                && !fk_supported(t, &f.columns, Some(index))
        })
        .map(|f| {
            format!(
                "CREATE INDEX {} ON {} ({})",
                quote_ident(D, &implicit_index_name(t, f)),
                quote_table(D, &t.table_name()),
                quote_list(D, &f.columns)
            )
        })
        .collect()
}
