-- mod_sql's default tables for SQLite: what SQLUserInfo and SQLGroupInfo read when they are not
-- configured ("users userid passwd uid gid homedir shell", "groups groupname gid members").
--
--   sqlite3 /srv/ftp/users.db < sqlite.sql      (then: SQLBackend sqlite3, SQLConnectInfo /srv/ftp/users.db)
--
-- passwd holds what SQLAuthTypes checks (for Crypt: the output of `openssl passwd -6`). uid and
-- gid below SQLMinID (999) are replaced by SQLDefaultUID/SQLDefaultGID (65533). members is a
-- comma-separated list of user names; with "SQLOptions UseNormalizedGroupSchema" it holds one name
-- and a group has one row per member. The server needs write access to the file's directory if
-- SQLLog writes to it.

CREATE TABLE users (
    userid   TEXT NOT NULL PRIMARY KEY,
    passwd   TEXT NOT NULL,
    uid      INTEGER,
    gid      INTEGER,
    homedir  TEXT,
    shell    TEXT
);

CREATE TABLE groups (
    groupname TEXT    NOT NULL,
    gid       INTEGER NOT NULL,
    members   TEXT
);

CREATE INDEX groups_gid_idx ON groups (gid);
CREATE INDEX groups_groupname_idx ON groups (groupname);
