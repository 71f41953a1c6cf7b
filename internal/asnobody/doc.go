// Package asnobody runs a test again as an unprivileged user (uid and gid
// 65534), for tests whose permission checks the superuser would bypass
// (CI runs as root). It is for tests only, on Unix.
package asnobody
