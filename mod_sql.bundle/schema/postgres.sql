-- mod_sql's default tables for PostgreSQL: what SQLUserInfo and SQLGroupInfo read when they are
-- not configured ("users userid passwd uid gid homedir shell", "groups groupname gid members").
--
--   psql -h 127.0.0.1 -U postgres -d ftp -f postgres.sql
--
-- passwd holds what SQLAuthTypes checks (for Crypt: the output of `openssl passwd -6`). uid and
-- gid below SQLMinID (999) are replaced by SQLDefaultUID/SQLDefaultGID (65533). members is a
-- comma-separated list of user names; with "SQLOptions UseNormalizedGroupSchema" it holds one name
-- and a group has one row per member.

CREATE TABLE users (
    userid   VARCHAR(64)  NOT NULL PRIMARY KEY,
    passwd   VARCHAR(255) NOT NULL,
    uid      INTEGER,
    gid      INTEGER,
    homedir  VARCHAR(255),
    shell    VARCHAR(255)
);

CREATE TABLE groups (
    groupname VARCHAR(64) NOT NULL,
    gid       INTEGER     NOT NULL,
    members   VARCHAR(1024)
);

CREATE INDEX groups_gid_idx ON groups (gid);
CREATE INDEX groups_groupname_idx ON groups (groupname);
