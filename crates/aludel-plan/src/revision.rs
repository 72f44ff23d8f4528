//! What a revision file declares, and the recorder its `upgrade` and `downgrade` fill.

use std::future::Future;
use std::pin::Pin;

use aludel_schema::{
    AlterColumn, Check, Column, Dialect, EnumType, Execute, ForeignKey, Index, Operation,
    PrimaryKey, Table, TableName, Unique,
};

/// The error a data migration returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A data migration: Rust code that runs against the database `Db` (the runner's
/// connection), inside the revision's transaction where the dialect has one. This crate
/// never calls it: it only carries it to the runner, in order.
///
/// ```
/// use aludel_plan::{DataFn, Ops};
///
/// struct Db(Vec<String>);
/// let backfill: DataFn<Db> = |db| {
///     Box::pin(async move {
///         db.0.push("UPDATE posts SET slug = lower(title)".into());
///         Ok(())
///     })
/// };
/// let mut op = Ops::<Db>::default();
/// op.run("backfill slugs", backfill);
/// assert_eq!(op.operations().len(), 1);
/// ```
pub type DataFn<Db> =
    for<'c> fn(&'c mut Db) -> Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'c>>;

/// The header of a revision file: `pub const REVISION: Revision = Revision { ... };`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Revision {
    /// 12 hexadecimal characters, unique in the project.
    pub id: &'static str,
    /// The revisions this one follows: none for a base, two or more for a merge.
    pub revises: &'static [&'static str],
    pub message: &'static str,
}

/// A revision as the runner holds it: its header and its two functions.
pub struct RevisionDef<Db> {
    pub meta: Revision,
    pub upgrade: fn(&mut Ops<Db>),
    pub downgrade: fn(&mut Ops<Db>),
    /// The file it came from, relative to the runner crate.
    pub file: &'static str,
}

// By hand: a derive would ask `Db: Clone`, and the connection type is not.
impl<Db> Clone for RevisionDef<Db> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Db> Copy for RevisionDef<Db> {}

impl<Db> std::fmt::Debug for RevisionDef<Db> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevisionDef")
            .field("meta", &self.meta)
            .field("file", &self.file)
            .finish()
    }
}

impl<Db> RevisionDef<Db> {
    pub fn upgrade_ops(&self) -> Vec<Operation> {
        self.record_upgrade().into_operations()
    }

    pub fn downgrade_ops(&self) -> Vec<Operation> {
        self.record_downgrade().into_operations()
    }

    pub fn record_upgrade(&self) -> Ops<Db> {
        let mut ops = Ops::default();
        (self.upgrade)(&mut ops);
        ops
    }

    pub fn record_downgrade(&self) -> Ops<Db> {
        let mut ops = Ops::default();
        (self.downgrade)(&mut ops);
        ops
    }
}

/// Records the operations of a revision's `upgrade` or `downgrade`.
///
/// ```
/// use aludel_plan::Ops;
/// use aludel_schema::{Column, ColumnType, Table};
///
/// let mut op = Ops::<()>::default();
/// op.create_table(
///     Table::new("posts")
///         .column(Column::new("id", ColumnType::BigInt).auto_increment())
///         .column(Column::new("title", ColumnType::Varchar(200)))
///         .primary_key(["id"]),
/// );
/// op.add_column("posts", Column::new("body", ColumnType::Text).nullable());
/// assert_eq!(op.into_operations().len(), 2);
/// ```
pub struct Ops<Db> {
    ops: Vec<Operation>,
    code: Vec<(String, DataFn<Db>)>,
}

impl<Db> Default for Ops<Db> {
    fn default() -> Self {
        Ops {
            ops: Vec::new(),
            code: Vec::new(),
        }
    }
}

impl<Db> std::fmt::Debug for Ops<Db> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops").field("ops", &self.ops).finish()
    }
}

/// Builder methods of the shape `op.method(table, value)`: the operation `Variant` on
/// `table`, with `value` (converted with `into` where marked) in the field of its name and
/// the fixed fields given.
macro_rules! table_ops {
    ($($(#[$doc:meta])* $method:ident($field:ident: $ty:ty $(=> $conv:ident)?) => $variant:ident { $($fixed:ident: $val:expr),* };)*) => {
        $(
            $(#[$doc])*
            pub fn $method(&mut self, table: impl Into<TableName>, $field: $ty) -> &mut Self {
                self.push(Operation::$variant {
                    table: table.into(),
                    $field: $field$(.$conv())?,
                    $($fixed: $val),*
                })
            }
        )*
    };
}

impl<Db> Ops<Db> {
    pub fn into_operations(self) -> Vec<Operation> {
        self.ops
    }

    pub fn operations(&self) -> &[Operation] {
        &self.ops
    }

    /// The `k`-th data migration recorded (bodies run by position, not by name).
    pub fn code_at(&self, k: usize) -> Option<DataFn<Db>> {
        self.code.get(k).map(|(_, f)| *f)
    }

    /// A name given to two data migrations of this direction, if any: names identify
    /// them in logs, reports and `--sql` output, so they must be unique.
    pub fn duplicate_code_name(&self) -> Option<&str> {
        self.code
            .iter()
            .enumerate()
            .find(|(i, (n, _))| self.code[..*i].iter().any(|(m, _)| m == n))
            .map(|(_, (n, _))| n.as_str())
    }

    /// Runs Rust code against the database at this point of the revision (a data
    /// migration); `name` says what it does in logs, reports and `--sql` output, which
    /// cannot render it.
    pub fn run(&mut self, name: impl Into<String>, code: DataFn<Db>) -> &mut Self {
        let name = name.into();
        self.code.push((name.clone(), code));
        self.push(Operation::Code { name })
    }

    pub fn push(&mut self, op: Operation) -> &mut Self {
        self.ops.push(op);
        self
    }

    pub fn create_table(&mut self, table: Table) -> &mut Self {
        self.push(Operation::CreateTable { table })
    }

    pub fn drop_table(&mut self, table: impl Into<TableName>) -> &mut Self {
        self.push(Operation::DropTable {
            table: table.into(),
        })
    }

    table_ops! {
        rename_table(to: impl Into<String> => into) => RenameTable {};
        add_column(column: Column) => AddColumn {};
        drop_column(column: impl Into<String> => into) => DropColumn {};
        create_index(index: Index) => CreateIndex { concurrently: false };
        /// Builds the index without blocking writes to the table: PostgreSQL's `CREATE INDEX
        /// CONCURRENTLY`. That cannot run inside a transaction, so on PostgreSQL a revision
        /// holding it runs statement by statement, and a failure part-way leaves a partial
        /// state to resolve, as on MySQL. Other dialects build the index as `create_index` does.
        create_index_concurrently(index: Index) => CreateIndex { concurrently: true };
        drop_index(name: impl Into<String> => into) => DropIndex { concurrently: false };
        /// `DROP INDEX CONCURRENTLY` on PostgreSQL; see [`Ops::create_index_concurrently`].
        drop_index_concurrently(name: impl Into<String> => into) => DropIndex { concurrently: true };
        create_unique(unique: Unique) => AddUnique {};
        drop_unique(name: impl Into<String> => into) => DropUnique {};
        create_primary_key(primary_key: PrimaryKey) => AddPrimaryKey {};
        create_foreign_key(foreign_key: ForeignKey) => AddForeignKey { not_valid: false };
        /// Adds a foreign key without checking the rows already there (PostgreSQL's `NOT
        /// VALID`): a short lock instead of a scan of the table under a lock that blocks
        /// writes. New rows are checked at once; check the old ones with
        /// [`Ops::validate_foreign_key`] in a later revision. Other dialects add the key as
        /// `create_foreign_key` does.
        create_foreign_key_not_valid(foreign_key: ForeignKey) => AddForeignKey { not_valid: true };
        /// Checks the existing rows against a foreign key added with
        /// [`Ops::create_foreign_key_not_valid`] (`VALIDATE CONSTRAINT`, which lets writes
        /// go on); nothing on dialects that check when the key is added.
        validate_foreign_key(name: impl Into<String> => into) => ValidateForeignKey {};
        drop_foreign_key(name: impl Into<String> => into) => DropForeignKey {};
        create_check(check: Check) => AddCheck {};
        drop_check(name: impl Into<String> => into) => DropCheck {};
    }

    pub fn rename_column(
        &mut self,
        table: impl Into<TableName>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> &mut Self {
        self.push(Operation::RenameColumn {
            table: table.into(),
            from: from.into(),
            to: to.into(),
        })
    }

    /// Changes a column; see [`AlterColumn`] for the changes (each with its old value).
    pub fn alter_column(&mut self, alter: AlterColumn) -> &mut Self {
        self.push(Operation::AlterColumn(alter))
    }

    pub fn drop_primary_key(&mut self, table: impl Into<TableName>) -> &mut Self {
        self.push(Operation::DropPrimaryKey {
            table: table.into(),
        })
    }

    /// A PostgreSQL enum type (nothing on other dialects, where enums live in columns).
    pub fn create_enum<I, S>(&mut self, name: impl Into<TableName>, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let name = name.into();
        self.push(Operation::CreateEnum {
            ty: EnumType {
                name: name.name,
                schema: name.schema,
                values: values.into_iter().map(Into::into).collect(),
            },
        })
    }

    pub fn drop_enum(&mut self, name: impl Into<TableName>) -> &mut Self {
        self.push(Operation::DropEnum { name: name.into() })
    }

    /// Changes an enum type's values from `from` to `to` (PostgreSQL).
    pub fn alter_enum<I, J, S, T>(
        &mut self,
        name: impl Into<TableName>,
        from: I,
        to: J,
    ) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.push(Operation::AlterEnum {
            name: name.into(),
            from: from.into_iter().map(Into::into).collect(),
            to: to.into_iter().map(Into::into).collect(),
        })
    }

    /// Sets (`Some`) or removes (`None`) a table's comment; `from` is the old one.
    pub fn set_table_comment(
        &mut self,
        table: impl Into<TableName>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> &mut Self {
        self.push(Operation::SetTableComment {
            table: table.into(),
            from: from.map(Into::into),
            to: to.map(Into::into),
        })
    }

    /// Raw SQL, run on every dialect. It is invisible to replay: use it for data, not
    /// for schema changes the other operations can express.
    pub fn execute(&mut self, sql: impl Into<String>) -> &mut Self {
        self.push(Operation::Execute(Execute {
            sql: sql.into(),
            dialect: None,
        }))
    }

    /// Raw SQL run only on `dialect`.
    pub fn execute_on(&mut self, dialect: Dialect, sql: impl Into<String>) -> &mut Self {
        self.push(Operation::Execute(Execute {
            sql: sql.into(),
            dialect: Some(dialect),
        }))
    }
}
