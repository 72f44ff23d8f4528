//! [`Operation::apply`], by concern: what each kind of operation does to a schema.

use super::*;

/// An operation handed to the function of another concern: a bug of aludel's, reported
/// as an error rather than ignored.
pub(super) fn misrouted(op: &Operation) -> Error {
    Error::Invalid(format!("internal error: `{op}` reached the wrong handler"))
}

/// Tables: create, drop, rename (foreign keys follow), comment.
pub(super) fn apply_tables(op: &Operation, schema: &mut Schema) -> Result<()> {
    use Operation as O;
    match op {
        O::CreateTable { table } => {
            if schema.table(&table.table_name()).is_some() {
                return Err(Error::TableExists(table.table_name().to_string()));
            }
            schema.tables.push(table.clone());
        }
        O::DropTable { table } => {
            let before = schema.tables.len();
            schema
                .tables
                .retain(|t| !(t.name == table.name && t.schema == table.schema));
            if schema.tables.len() == before {
                return Err(Error::NoSuchTable(table.to_string()));
            }
        }
        O::RenameTable { table, to } => {
            let new = TableName::qualified(table.schema.clone(), to.clone());
            if schema.table(&new).is_some() {
                return Err(Error::TableExists(new.to_string()));
            }
            schema.require_table(table)?.name = to.clone();
            for t in &mut schema.tables {
                for f in &mut t.foreign_keys {
                    if f.ref_table == *table {
                        f.ref_table = new.clone();
                    }
                }
            }
        }
        O::SetTableComment { table, to, .. } => {
            schema.require_table(table)?.comment.clone_from(to);
        }
        _ => return Err(misrouted(op)),
    }
    Ok(())
}

/// Columns: add, drop (what is built on it goes too), rename (constraints and expressions follow), alter.
pub(super) fn apply_columns(op: &Operation, schema: &mut Schema) -> Result<()> {
    use Operation as O;
    match op {
        O::AddColumn { table, column } => {
            let t = schema.require_table(table)?;
            if t.get_column(&column.name).is_some() {
                return Err(Error::ColumnExists {
                    table: table.to_string(),
                    column: column.name.clone(),
                });
            }
            t.columns.push(column.clone());
        }
        O::DropColumn { table, column } => {
            let t = schema.require_table(table)?;
            let before = t.columns.len();
            t.columns.retain(|c| c.name != *column);
            if t.columns.len() == before {
                return Err(no_column(table, column));
            }
            // As the databases do: what is built on the column goes with it.
            let on = |cols: &Vec<String>| cols.iter().any(|c| c == column);
            t.indexes.retain(|i| !on(&i.columns));
            t.uniques.retain(|u| !on(&u.columns));
            t.foreign_keys.retain(|f| !on(&f.columns));
            t.checks.retain(|c| !mentions(&c.expr, column));
            if t.primary_key.as_ref().is_some_and(|p| on(&p.columns)) {
                t.primary_key = None;
            }
        }
        O::RenameColumn { table, from, to } => {
            let t = schema.require_table(table)?;
            if t.get_column(to).is_some() {
                return Err(Error::ColumnExists {
                    table: table.to_string(),
                    column: to.clone(),
                });
            }
            let c = t
                .get_column_mut(from)
                .ok_or_else(|| no_column(table, from))?;
            c.name = to.clone();
            let rename = |cols: &mut Vec<String>| {
                for c in cols.iter_mut().filter(|c| *c == from) {
                    c.clone_from(to);
                }
            };
            t.indexes.iter_mut().for_each(|i| rename(&mut i.columns));
            t.uniques.iter_mut().for_each(|u| rename(&mut u.columns));
            t.foreign_keys
                .iter_mut()
                .for_each(|f| rename(&mut f.columns));
            // The databases rewrite the expressions that name the column too.
            for i in &mut t.indexes {
                if let Some(p) = &mut i.predicate {
                    *p = crate::rename_identifier(p, from, to);
                }
            }
            for c in &mut t.checks {
                c.expr = crate::rename_identifier(&c.expr, from, to);
            }
            if let Some(pk) = &mut t.primary_key {
                rename(&mut pk.columns);
            }
            for other in &mut schema.tables {
                for f in &mut other.foreign_keys {
                    if f.ref_table == *table {
                        rename(&mut f.ref_columns);
                    }
                }
            }
        }
        O::AlterColumn(a) => {
            let t = schema.require_table(&a.table)?;
            let c = t
                .get_column_mut(&a.column)
                .ok_or_else(|| no_column(&a.table, &a.column))?;
            *c = a.applied_to(c);
        }
        _ => return Err(misrouted(op)),
    }
    Ok(())
}

/// Indexes and unique constraints.
pub(super) fn apply_indexes(op: &Operation, schema: &mut Schema) -> Result<()> {
    use Operation as O;
    match op {
        O::CreateIndex { table, index, .. } => {
            let t = schema.require_table(table)?;
            let name = index.name.clone().unwrap_or_default();
            if t.indexes.iter().any(|i| i.name.as_deref() == Some(&name)) {
                return Err(exists("index", table, &name));
            }
            require_columns(t, table, &index.columns)?;
            t.indexes.push(index.clone());
        }
        O::DropIndex { table, name, .. } => {
            let t = schema.require_table(table)?;
            // A database read back may hold a unique constraint as a unique index
            // and the other way round (MySQL, SQLite): either answers to the name.
            if remove_named(&mut t.indexes, |i| i.name.as_deref(), name).is_none() {
                remove_named(&mut t.uniques, |u| u.name.as_deref(), name)
                    .ok_or_else(|| missing("index", table, name))?;
            }
        }
        O::AddUnique { table, unique } => {
            let t = schema.require_table(table)?;
            require_columns(t, table, &unique.columns)?;
            t.uniques.push(unique.clone());
        }
        O::DropUnique { table, name } => {
            let t = schema.require_table(table)?;
            if remove_named(&mut t.uniques, |u| u.name.as_deref(), name).is_none() {
                let unique_index = |i: &Index| i.unique && i.name.as_deref() == Some(name);
                let pos = t
                    .indexes
                    .iter()
                    .position(unique_index)
                    .ok_or_else(|| missing("unique constraint", table, name))?;
                t.indexes.remove(pos);
            }
        }
        _ => return Err(misrouted(op)),
    }
    Ok(())
}

/// Primary keys, foreign keys and checks.
pub(super) fn apply_keys(op: &Operation, schema: &mut Schema) -> Result<()> {
    use Operation as O;
    match op {
        O::AddPrimaryKey { table, primary_key } => {
            let t = schema.require_table(table)?;
            if t.primary_key.is_some() {
                return Err(Error::PrimaryKeyExists(table.to_string()));
            }
            require_columns(t, table, &primary_key.columns)?;
            t.primary_key = Some(primary_key.clone());
        }
        O::DropPrimaryKey { table } => {
            let t = schema.require_table(table)?;
            if t.primary_key.take().is_none() {
                return Err(Error::NoPrimaryKey(table.to_string()));
            }
        }
        O::AddForeignKey {
            table, foreign_key, ..
        } => {
            let t = schema.require_table(table)?;
            require_columns(t, table, &foreign_key.columns)?;
            t.foreign_keys.push(foreign_key.clone());
        }
        O::ValidateForeignKey { table, name } => {
            let t = schema.require_table(table)?;
            if !t
                .foreign_keys
                .iter()
                .any(|f| f.name.as_deref() == Some(name))
            {
                return Err(missing("foreign key", table, name));
            }
        }
        O::DropForeignKey { table, name } => {
            let t = schema.require_table(table)?;
            remove_named(&mut t.foreign_keys, |f| f.name.as_deref(), name)
                .ok_or_else(|| missing("foreign key", table, name))?;
        }
        O::AddCheck { table, check } => {
            schema.require_table(table)?.checks.push(check.clone());
        }
        O::DropCheck { table, name } => {
            let t = schema.require_table(table)?;
            remove_named(&mut t.checks, |c| c.name.as_deref(), name)
                .ok_or_else(|| missing("check constraint", table, name))?;
        }
        _ => return Err(misrouted(op)),
    }
    Ok(())
}

/// Enum types (PostgreSQL keeps the type; elsewhere the enum is its columns).
pub(super) fn apply_enums(op: &Operation, schema: &mut Schema) -> Result<()> {
    use Operation as O;
    match op {
        O::CreateEnum { ty } => {
            if schema
                .enums
                .iter()
                .any(|e| e.name == ty.name && e.schema == ty.schema)
            {
                return Err(Error::EnumExists(ty.name.clone()));
            }
            schema.enums.push(ty.clone());
        }
        O::DropEnum { name } => {
            let before = schema.enums.len();
            schema
                .enums
                .retain(|e| !(e.name == name.name && e.schema == name.schema));
            if schema.enums.len() == before {
                return Err(Error::NoSuchEnum(name.to_string()));
            }
        }
        O::AlterEnum { name, from, to } => {
            // Only PostgreSQL keeps the type itself; elsewhere the enum is its columns.
            let mut found = false;
            if let Some(e) = schema
                .enums
                .iter_mut()
                .find(|e| e.name == name.name && e.schema == name.schema)
            {
                e.values.clone_from(to);
                found = true;
            }
            for t in &mut schema.tables {
                for c in &mut t.columns {
                    if enum_column_of(&c.ty, name, from) {
                        c.ty = ColumnType::Enum {
                            name: name.name.clone(),
                            values: to.clone(),
                        };
                        found = true;
                    }
                }
            }
            if !found {
                return Err(Error::NoSuchEnum(name.to_string()));
            }
        }
        _ => return Err(misrouted(op)),
    }
    Ok(())
}
