/*
 * control.h - the control socket protocol (server in src/daemon/control.c,
 * client failoverctl in src/ctl/).
 *
 * Unix stream socket (default /run/failoverd.sock, mode 0600, or 0660 owned
 * by global.control_group when that is set). One JSON
 * object per line each way. Peer credentials (SO_PEERCRED) decide access:
 * uid 0 may do everything; members of global.control_group may use the
 * read-only commands (status, stats, metrics); anyone else is refused.
 * The server never blocks on a client: a request longer than
 * CONTROL_REQUEST_MAX is answered with an error and dropped; a client with
 * more than CONTROL_REPLY_MAX unread reply bytes, or idle for
 * CONTROL_IDLE_TIMEOUT_S, is cut off; beyond CONTROL_CLIENTS_MAX clients
 * the one idle longest makes room for a newcomer.
 *
 * Requests:
 *   {"command":"status"}
 *   {"command":"stats"}
 *   {"command":"metrics"}
 *   {"command":"reload"}
 *   {"command":"maintenance","instance":"VI_1"|"all","state":"on"|"off"}
 * Every reply has "ok": true|false; on false, "error": "text" (and, for
 * reload, "errors": ["FILE:LINE: message", ...]).
 *
 * status reply:
 *   {"ok":true,"node":"lb1","version":"0.1.0","pid":1234,"config":"/etc/...",
 *    "uptime":12.5,
 *    "instances":[{"name":"VI_1","interface":"eth0","family":"ipv4","vrid":51,
 *      "version":3,"state":"MASTER","priority":150,"effective_priority":90,
 *      "master":"10.0.0.1" (absent when unknown),"vips":["192.0.2.1/32",...],
 *      "since":"2026-11-22T17:40:01.123456Z","in_state":12.3,
 *      "reason":"preempt","maintenance":false,
 *      "faults":["link","tracker","sync_group"] (the causes now set),
 *      "sync_group":"PEC" (absent when none),
 *      "trackers":[{"name":"svc","kind":"check","status":"down",
 *                   "weight":-60 (absent: no weight = FAULT),"detail":"..."}]}]}
 * stats reply:
 *   {"ok":true,"node":"lb1",
 *    "instances":[{"name":"VI_1","adverts_sent":N,"adverts_received":N,
 *      "priority_zero_sent":N,"priority_zero_received":N,"garps_sent":N,
 *      "transitions":N,"send_errors":N,"lower_priority_replies":N}],
 *    "interfaces":[{"interface":"eth0","family":"ipv4","received":N,
 *      "rx_errors":{"ttl":N,"version":N,...every reason...}}]}
 * metrics reply:   {"ok":true,"text":"# HELP ...\n..."}  (Prometheus text)
 * reload reply:    {"ok":true,"result":"applied","added":[..],"removed":[..],
 *                   "changed":[..],"unchanged":N}
 *                  {"ok":false,"result":"invalid","error":"...","errors":[..]}
 * maintenance:     {"ok":true,"instances":["VI_1",...],"state":"on"}
 */
#ifndef FAILOVERD_CONTROL_H
#define FAILOVERD_CONTROL_H

#define CONTROL_REQUEST_MAX 4096
#define CONTROL_REPLY_MAX (4 * 1024 * 1024)
#define CONTROL_CLIENTS_MAX 16
#define CONTROL_IDLE_TIMEOUT_S 10.0

/* failoverctl exit codes. */
enum control_exit {
	CONTROL_EXIT_OK = 0,
	CONTROL_EXIT_USAGE = 1,       /* bad command line */
	CONTROL_EXIT_UNREACHABLE = 2, /* daemon not running / socket missing */
	CONTROL_EXIT_DENIED = 3,      /* socket or command not permitted */
	CONTROL_EXIT_FAILED = 4,      /* the daemon answered ok:false */
	CONTROL_EXIT_VERIFY = 5,      /* failoverctl verify found a violation */
};

#endif
