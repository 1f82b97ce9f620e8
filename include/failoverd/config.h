/*
 * config.h - the validated configuration, and the parser that builds it.
 *
 * config_load() reads a libconfig file, checks every setting (unknown names
 * with a did-you-mean hint, types, ranges, uniqueness, references) and
 * either returns a complete struct failoverd_config or none at all: a config
 * that fails validation is never partly used. Every problem is reported as
 * one "FILE:LINE: message" string in a struct config_errors, so that
 * `failoverd -t` can print them all and a reload can log them all.
 *
 * The structs hold plain values (no libconfig pointers): the parser copies
 * what it needs, so the config outlives the libconfig tree and two configs
 * (running and reloaded) can be compared field by field.
 */
#ifndef FAILOVERD_CONFIG_H
#define FAILOVERD_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/address.h"
#include "failoverd/packet.h"

#define CONFIG_NAME_MAX 64
#define CONFIG_PATH_MAX 4096
#define CONFIG_DEFAULT_PATH "/etc/failoverd/failoverd.conf"
#define CONFIG_DEFAULT_SOCKET "/run/failoverd.sock"
#define CONFIG_DEFAULT_EVENT_LOG "/var/log/failoverd/events.jsonl"

struct config_errors {
	char **lines; /* "FILE:LINE: message" */
	size_t count;
};

struct garp_config {
	int64_t delay_us;    /* second burst this long after becoming MASTER (0 = none) */
	unsigned int repeat; /* GARPs per burst, >= 1 */
	int64_t interval_us; /* between GARPs of a burst */
	int64_t refresh_us;  /* repeat a GARP this often while MASTER (0 = never) */
};

struct unicast_config {
	bool enabled;
	struct ip_address source;
	struct ip_address *peers;
	size_t peer_count;
};

enum auth_type { AUTH_NONE = 0, AUTH_PASS, AUTH_HMAC_SHA256 };
enum auth_mode { AUTH_MODE_ENFORCE = 0, AUTH_MODE_ACCEPT, AUTH_MODE_SEND_ONLY };

struct auth_config {
	enum auth_type type;
	char password[VRRP_V2_PASSWORD_LEN + 1]; /* pass: NUL-terminated, <= 8 chars */
	char key_file[CONFIG_PATH_MAX];          /* hmac-sha256 */
	enum auth_mode mode;
};

struct track_item {
	char name[CONFIG_NAME_MAX];
	bool has_weight; /* no weight: failure puts the instance in FAULT */
	int weight;      /* -254..254; bonds: per lost member */
	unsigned int min_members; /* bonds: fewer members up = FAULT (default 1) */
	int64_t up_delay_us;   /* interfaces, bonds: a change must last this long */
	int64_t down_delay_us; /* before it counts (debounce; default 0) */
	int line;
};

struct track_config {
	struct track_item *interfaces;
	size_t interface_count;
	struct track_item *bonds;
	size_t bond_count;
	struct track_item *checks;
	size_t check_count;
};

struct notify_config {
	char master[CONFIG_PATH_MAX];
	char backup[CONFIG_PATH_MAX];
	char fault[CONFIG_PATH_MAX];
	char stop[CONFIG_PATH_MAX];
	char any[CONFIG_PATH_MAX];
};

enum initial_state { INITIAL_STATE_BACKUP = 0, INITIAL_STATE_MASTER };

struct instance_config {
	char name[CONFIG_NAME_MAX];
	char interface[IFNAMSIZ];
	int family; /* AF_INET or AF_INET6, from the virtual addresses */
	uint8_t vrid;
	uint8_t priority;          /* 1..255 */
	uint16_t advert_interval_cs;
	uint8_t version;           /* 2 or 3 */
	bool preempt;
	int64_t preempt_delay_us;
	bool accept;
	enum vrrp_checksum_mode checksum_mode;
	enum initial_state initial_state;
	struct ip_prefix *vips;     /* advertised */
	size_t vip_count;
	struct ip_prefix *vips_excluded; /* owned, not advertised */
	size_t vip_excluded_count;
	struct garp_config garp;
	struct unicast_config unicast;
	bool vmac;
	struct auth_config auth;
	struct track_config track;
	struct notify_config notify;
	const char *file; /* points into failoverd_config.files */
	int line;         /* where the instance's group starts */
};

struct sync_group_config {
	char name[CONFIG_NAME_MAX];
	char (*instances)[CONFIG_NAME_MAX];
	size_t instance_count;
	struct notify_config notify; /* scripts get "GROUP NAME STATE 0" */
	const char *file;
	int line;
};

enum check_type { CHECK_TCP = 0, CHECK_TLS, CHECK_HTTP, CHECK_EXEC, CHECK_PROCESS };

struct check_config {
	char name[CONFIG_NAME_MAX];
	enum check_type type;
	char address[256];   /* tcp, tls */
	uint16_t port;       /* tcp, tls */
	char url[1024];      /* http: http://HOST[:PORT]/PATH or https://... */
	int status;          /* http: expected status (default 200) */
	char expect[256];    /* tls: banner prefix; http: body substring; "" = none */
	int64_t max_latency_us; /* http: slower answers fail (0 = no limit) */
	bool verify;         /* tls, https: verify the certificate (default false) */
	char ca_file[CONFIG_PATH_MAX]; /* tls, https: CA bundle ("" = system store) */
	char sni[256];       /* tls, https: server name ("" = host of url / none) */
	char **command;      /* exec: NULL-terminated argv */
	char process_name[CONFIG_NAME_MAX]; /* process: comm name, or */
	char pid_file[CONFIG_PATH_MAX];     /* process: pid file */
	int64_t interval_us, timeout_us;
	unsigned int rise, fall;
	const char *file;
	int line;
};

struct global_config {
	char node_name[CONFIG_NAME_MAX]; /* "" = hostname */
	char event_log[CONFIG_PATH_MAX]; /* "" = none */
	char control_socket[CONFIG_PATH_MAX];
	char syslog_facility[32];
	int syslog_facility_value; /* LOG_DAEMON, ... */
	char control_group[CONFIG_NAME_MAX]; /* "" = root only; else read-only for this group */
};

struct failoverd_config {
	char path[CONFIG_PATH_MAX];
	struct global_config global;
	struct instance_config *instances;
	size_t instance_count;
	struct sync_group_config *sync_groups;
	size_t sync_group_count;
	struct check_config *checks;
	size_t check_count;
	char **files; /* file names seen (for instance_config.file) */
	size_t file_count;
};

/*
 * Reads and validates path. On success returns 0 and a new config in *out
 * (free with config_free). On failure returns -1, *out is NULL and errors
 * holds at least one line. errors must be zeroed by the caller and freed
 * with config_errors_free.
 */
int config_load(const char *path, struct failoverd_config **out, struct config_errors *errors);

void config_free(struct failoverd_config *config);
void config_errors_free(struct config_errors *errors);

const struct instance_config *config_find_instance(const struct failoverd_config *config,
						   const char *name);

/* Every address an instance owns: virtual_addresses, then
 * virtual_addresses_excluded (added, removed and announced alike). */
static inline size_t config_owned_count(const struct instance_config *cfg)
{
	return cfg->vip_count + cfg->vip_excluded_count;
}

static inline const struct ip_prefix *config_owned(const struct instance_config *cfg, size_t i)
{
	return i < cfg->vip_count ? &cfg->vips[i] : &cfg->vips_excluded[i - cfg->vip_count];
}

/* Whether cfg owns exactly this prefix (address and length). */
static inline bool config_owns(const struct instance_config *cfg, const struct ip_prefix *p)
{
	for (size_t i = 0; i < config_owned_count(cfg); i++)
		if (ip_address_equal(&config_owned(cfg, i)->address, &p->address) &&
		    config_owned(cfg, i)->length == p->length)
			return true;
	return false;
}

#endif
