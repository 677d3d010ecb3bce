-- mod_sql's default tables for MariaDB and MySQL: what SQLUserInfo and SQLGroupInfo read when they
-- are not configured ("users userid passwd uid gid homedir shell", "groups groupname gid members").
--
--   mysql -h 127.0.0.1 -u root ftp < mysql.sql
--
-- passwd holds what SQLAuthTypes checks (for Crypt: the output of `openssl passwd -6`). uid and
-- gid below SQLMinID (999) are replaced by SQLDefaultUID/SQLDefaultGID (65533). members is a
-- comma-separated list of user names; with "SQLOptions UseNormalizedGroupSchema" it holds one name
-- and a group has one row per member. GROUPS is a reserved word in MySQL 8, hence the backquotes;
-- mod_sql's own queries name the table as SQLGroupInfo spells it, so there quote it too if needed.

CREATE TABLE users (
    userid   VARCHAR(64)  NOT NULL PRIMARY KEY,
    passwd   VARCHAR(255) NOT NULL,
    uid      INTEGER,
    gid      INTEGER,
    homedir  VARCHAR(255),
    shell    VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `groups` (
    groupname VARCHAR(64) NOT NULL,
    gid       INTEGER     NOT NULL,
    members   VARCHAR(1024)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX groups_gid_idx ON `groups` (gid);
CREATE INDEX groups_groupname_idx ON `groups` (groupname);
