//! [`Operation::reverse`], by concern: the operations that undo each kind.

use super::*;

/// The table `name` of `before`, or the error that names it.
pub(super) fn table_in<'s>(before: &'s Schema, name: &TableName) -> Result<&'s Table> {
    before
        .table(name)
        .ok_or_else(|| Error::NoSuchTable(name.to_string()))
}

/// The reverse of an operation on tables.
pub(super) fn reverse_tables(op: &Operation, before: &Schema) -> Result<Vec<Operation>> {
    use Operation as O;
    Ok(match op {
        O::CreateTable { table } => vec![O::DropTable {
            table: table.table_name(),
        }],
        O::DropTable { table } => vec![O::CreateTable {
            table: table_in(before, table)?.clone(),
        }],
        O::RenameTable { table, to } => vec![O::RenameTable {
            table: TableName::qualified(table.schema.clone(), to.clone()),
            to: table.name.clone(),
        }],
        O::SetTableComment { table, from, to } => vec![O::SetTableComment {
            table: table.clone(),
            from: to.clone(),
            to: from.clone(),
        }],
        _ => return Err(super::apply::misrouted(op)),
    })
}

/// The reverse of an operation on columns.
pub(super) fn reverse_columns(op: &Operation, before: &Schema) -> Result<Vec<Operation>> {
    use Operation as O;
    Ok(match op {
        O::AddColumn { table, column } => vec![O::DropColumn {
            table: table.clone(),
            column: column.name.clone(),
        }],
        O::DropColumn { table, column } => {
            let t = table_in(before, table)?;
            let col = t
                .get_column(column)
                .ok_or_else(|| no_column(table, column))?;
            let on = |cols: &Vec<String>| cols.iter().any(|c| c == column);
            let mut ops = vec![O::AddColumn {
                table: table.clone(),
                column: col.clone(),
            }];
            if let Some(pk) = t.primary_key.as_ref().filter(|p| on(&p.columns)) {
                ops.push(O::AddPrimaryKey {
                    table: table.clone(),
                    primary_key: pk.clone(),
                });
            }
            ops.extend(
                t.uniques
                    .iter()
                    .filter(|u| on(&u.columns))
                    .map(|u| O::AddUnique {
                        table: table.clone(),
                        unique: u.clone(),
                    }),
            );
            ops.extend(
                t.indexes
                    .iter()
                    .filter(|i| on(&i.columns))
                    .map(|i| O::CreateIndex {
                        table: table.clone(),
                        index: i.clone(),
                        concurrently: false,
                    }),
            );
            ops.extend(t.foreign_keys.iter().filter(|f| on(&f.columns)).map(|f| {
                O::AddForeignKey {
                    table: table.clone(),
                    foreign_key: f.clone(),
                    not_valid: false,
                }
            }));
            ops.extend(
                t.checks
                    .iter()
                    .filter(|c| mentions(&c.expr, column))
                    .map(|c| O::AddCheck {
                        table: table.clone(),
                        check: c.clone(),
                    }),
            );
            ops
        }
        O::RenameColumn { table, from, to } => vec![O::RenameColumn {
            table: table.clone(),
            from: to.clone(),
            to: from.clone(),
        }],
        O::AlterColumn(a) => vec![O::AlterColumn(a.clone().reversed())],
        _ => return Err(super::apply::misrouted(op)),
    })
}

/// The reverse of an operation on indexes and unique constraints.
pub(super) fn reverse_indexes(op: &Operation, before: &Schema) -> Result<Vec<Operation>> {
    use Operation as O;
    Ok(match op {
        O::CreateIndex {
            table,
            index,
            concurrently,
        } => vec![O::DropIndex {
            table: table.clone(),
            name: index.name.clone().unwrap_or_default(),
            concurrently: *concurrently,
        }],
        O::DropIndex {
            table,
            name,
            concurrently,
        } => {
            let t = table_in(before, table)?;
            match t.indexes.iter().find(|i| i.name.as_deref() == Some(name)) {
                Some(index) => vec![O::CreateIndex {
                    table: table.clone(),
                    index: index.clone(),
                    concurrently: *concurrently,
                }],
                None => {
                    let u = t
                        .uniques
                        .iter()
                        .find(|u| u.name.as_deref() == Some(name))
                        .ok_or_else(|| missing("index", table, name))?;
                    vec![O::AddUnique {
                        table: table.clone(),
                        unique: u.clone(),
                    }]
                }
            }
        }
        O::AddUnique { table, unique } => vec![O::DropUnique {
            table: table.clone(),
            name: unique.name.clone().unwrap_or_default(),
        }],
        O::DropUnique { table, name } => {
            let t = table_in(before, table)?;
            match t.uniques.iter().find(|u| u.name.as_deref() == Some(name)) {
                Some(u) => vec![O::AddUnique {
                    table: table.clone(),
                    unique: u.clone(),
                }],
                None => {
                    let index = t
                        .indexes
                        .iter()
                        .find(|i| i.unique && i.name.as_deref() == Some(name))
                        .ok_or_else(|| missing("unique constraint", table, name))?;
                    vec![O::CreateIndex {
                        table: table.clone(),
                        index: index.clone(),
                        concurrently: false,
                    }]
                }
            }
        }
        _ => return Err(super::apply::misrouted(op)),
    })
}

/// The reverse of an operation on primary keys, foreign keys and checks.
pub(super) fn reverse_keys(op: &Operation, before: &Schema) -> Result<Vec<Operation>> {
    use Operation as O;
    Ok(match op {
        O::AddPrimaryKey { table, .. } => vec![O::DropPrimaryKey {
            table: table.clone(),
        }],
        O::DropPrimaryKey { table } => {
            let t = table_in(before, table)?;
            let pk = t
                .primary_key
                .clone()
                .ok_or_else(|| Error::NoPrimaryKey(table.to_string()))?;
            vec![O::AddPrimaryKey {
                table: table.clone(),
                primary_key: pk,
            }]
        }
        O::AddForeignKey {
            table, foreign_key, ..
        } => vec![O::DropForeignKey {
            table: table.clone(),
            name: foreign_key.name.clone().unwrap_or_default(),
        }],
        // Validating changes no definition: nothing to undo.
        O::ValidateForeignKey { .. } => Vec::new(),
        O::DropForeignKey { table, name } => {
            let t = table_in(before, table)?;
            let f = t
                .foreign_keys
                .iter()
                .find(|f| f.name.as_deref() == Some(name))
                .ok_or_else(|| missing("foreign key", table, name))?;
            vec![O::AddForeignKey {
                table: table.clone(),
                foreign_key: f.clone(),
                not_valid: false,
            }]
        }
        O::AddCheck { table, check } => vec![O::DropCheck {
            table: table.clone(),
            name: check.name.clone().unwrap_or_default(),
        }],
        O::DropCheck { table, name } => {
            let t = table_in(before, table)?;
            let c = t
                .checks
                .iter()
                .find(|c| c.name.as_deref() == Some(name))
                .ok_or_else(|| missing("check constraint", table, name))?;
            vec![O::AddCheck {
                table: table.clone(),
                check: c.clone(),
            }]
        }
        _ => return Err(super::apply::misrouted(op)),
    })
}

/// The reverse of an operation on enums.
pub(super) fn reverse_enums(op: &Operation, before: &Schema) -> Result<Vec<Operation>> {
    use Operation as O;
    Ok(match op {
        O::CreateEnum { ty } => vec![O::DropEnum {
            name: TableName::qualified(ty.schema.clone(), ty.name.clone()),
        }],
        O::DropEnum { name } => {
            let e = before
                .enums
                .iter()
                .find(|e| e.name == name.name && e.schema == name.schema)
                .ok_or_else(|| Error::NoSuchEnum(name.to_string()))?;
            vec![O::CreateEnum { ty: e.clone() }]
        }
        O::AlterEnum { name, from, to } => vec![O::AlterEnum {
            name: name.clone(),
            from: to.clone(),
            to: from.clone(),
        }],
        _ => return Err(super::apply::misrouted(op)),
    })
}
