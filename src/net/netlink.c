/*
 * netlink.c - requests to the kernel's routing netlink through libnl-route-3:
 * link lookups, the interface's primary address, and the VIPs themselves.
 *
 * One blocking request socket serves every query and change; each call
 * sends one request and waits for the kernel's answer, so a VIP add has
 * really happened (or really failed) when netlink_vip_add returns. Link
 * requests are sent raw (RTM_GETLINK) and their answers read in the
 * NL_CB_VALID callback, because libnl's link object does not carry the
 * bonding slave attributes the bond tracker needs. Address
 * lookups dump the address table and filter here: the dump is small and
 * this avoids depending on kernel-side strict filtering. Events live in
 * link_watch.c on a socket of their own.
 */
#include "failoverd/netlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "netlink_parse.h"

#define IPV4_LABEL_MAX 15 /* IFNAMSIZ - 1; longer labels get -NLE_RANGE */

/* Accepts NLE_* either way round: libnl calls return them negated. */
int netlink_errno(int nl_error)
{
	switch (abs(nl_error)) {
	case NLE_SUCCESS:
		return 0;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	default:
		return -EIO;
	}
}

int netlink_open(struct netlink *nl)
{
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	int err = nl_connect(nl->sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return netlink_errno(err);
	}
	return 0;
}

void netlink_close(struct netlink *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* The links in one answer, kept until it is complete so that a callback
 * never runs while the socket is still busy and a retried dump reports
 * nothing twice. */
struct netlink_link_list {
	struct link_info *links;
	size_t count;
	size_t capacity;
	int err; /* -ENOMEM while collecting */
};

static int netlink_link_list_add(struct netlink_link_list *list, const struct link_info *link)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 32;
		struct link_info *grown = reallocarray(list->links, capacity, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->links = grown;
		list->capacity = capacity;
	}
	list->links[list->count++] = *link;
	return 0;
}

/* NL_CB_VALID: the raw message is at hand here, so the bonding slave state
 * is read too (DEPENDENCIES 1.5). */
static int netlink_on_link_reply(struct nl_msg *msg, void *arg)
{
	struct netlink_link_list *list = arg;
	struct link_info link;
	bool deleted = false;

	if (list->err == 0 && netlink_parse_link_message(msg, &link, &deleted) == 1 && !deleted)
		list->err = netlink_link_list_add(list, &link);
	return NL_OK;
}

/* Sends an RTM_GETLINK and collects the links of the answer. A single-link
 * request is acknowledged separately (NLM_F_ACK); a dump ends with
 * NLMSG_DONE instead. Returns 0 or a negative libnl error. */
static int netlink_link_request(struct netlink *nl, struct nl_msg *request, bool dump,
				struct netlink_link_list *list)
{
	struct nl_cb *base = nl_socket_get_cb(nl->sk);
	struct nl_cb *cb = nl_cb_clone(base);

	nl_cb_put(base);
	if (!cb)
		return -NLE_NOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, netlink_on_link_reply, list);
	int err = nl_send_auto(nl->sk, request);
	if (err >= 0)
		err = nl_recvmsgs(nl->sk, cb);
	if (err >= 0 && !dump)
		err = nl_wait_for_ack(nl->sk);
	nl_cb_put(cb);
	return err < 0 ? err : 0;
}

static struct nl_msg *netlink_link_request_build(const char *name)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, name ? 0 : NLM_F_DUMP);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int netlink_link_get(struct netlink *nl, const char *name, struct link_info *out)
{
	struct netlink_link_list list = {0};

	if (!name || !*name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	struct nl_msg *request = netlink_link_request_build(name);
	if (!request)
		return -ENOMEM;
	int err = netlink_link_request(nl, request, false, &list);
	nlmsg_free(request);
	if (err < 0) {
		err = netlink_errno(err);
		err = err == -ENOENT ? -ENODEV : err;
	} else if (list.err < 0) {
		err = list.err;
	} else if (list.count == 0) {
		err = -ENODEV;
	} else {
		*out = list.links[0];
	}
	free(list.links);
	return err;
}

/* A dump the kernel saw change under it (NLM_F_DUMP_INTR) is tried again. */
#define NETLINK_DUMP_TRIES 3

int netlink_link_dump(struct netlink *nl, link_event_fn callback, void *ctx)
{
	struct netlink_link_list list = {0};
	int err = -NLE_DUMP_INTR;

	for (int i = 0; i < NETLINK_DUMP_TRIES && err == -NLE_DUMP_INTR; i++) {
		struct nl_msg *request = netlink_link_request_build(NULL);

		if (!request) {
			free(list.links);
			return -ENOMEM;
		}
		list.count = 0;
		list.err = 0;
		err = netlink_link_request(nl, request, true, &list);
		nlmsg_free(request);
	}
	if (err < 0)
		err = netlink_errno(err);
	else if (list.err < 0)
		err = list.err;
	for (size_t i = 0; err == 0 && i < list.count; i++)
		callback(ctx, &list.links[i], false);
	free(list.links);
	return err;
}

/* The local address of a libnl address object; false if it has none. */
static bool netlink_address_read(struct rtnl_addr *a, struct ip_address *out)
{
	struct nl_addr *local = rtnl_addr_get_local(a);
	int family = rtnl_addr_get_family(a);
	size_t len = ip_address_length(family);

	if (!local || len == 0 || nl_addr_get_len(local) != len)
		return false;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(&out->in, nl_addr_get_binary_addr(local), len);
	return true;
}

static int netlink_address_dump(struct netlink *nl, struct nl_cache **out)
{
	int err = rtnl_addr_alloc_cache(nl->sk, out);

	return err < 0 ? netlink_errno(err) : 0;
}

int netlink_primary_address(struct netlink *nl, int ifindex, int family,
			    const struct ip_prefix *skip, size_t skip_count, struct ip_address *out)
{
	struct nl_cache *cache;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	int err = netlink_address_dump(nl, &cache);
	if (err < 0)
		return err;

	size_t count = 0, capacity = (size_t)nl_cache_nitems(cache);
	struct netlink_address_candidate *candidates =
	    calloc(capacity ? capacity : 1, sizeof(*candidates));
	if (!candidates) {
		nl_cache_free(cache);
		return -ENOMEM;
	}
	/* The cache keeps the dump's order, which is the kernel's. */
	for (struct nl_object *o = nl_cache_get_first(cache); o && count < capacity;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != family)
			continue;
		if (!netlink_address_read(a, &candidates[count].address))
			continue;
		candidates[count++].flags = rtnl_addr_get_flags(a);
	}
	err = netlink_address_choose(candidates, count, family, skip, skip_count, out);
	free(candidates);
	nl_cache_free(cache);
	return err;
}

/* A libnl address object for vip on ifindex, with its prefix length. */
static int netlink_vip_object(int ifindex, const struct ip_prefix *vip, struct rtnl_addr **out)
{
	int family = vip->address.family;
	size_t len = ip_address_length(family);

	*out = NULL;
	if (len == 0)
		return -EAFNOSUPPORT;
	if (ifindex <= 0 || vip->length > len * 8)
		return -EINVAL;
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(family, (void *)&vip->address.in, len);
	if (!a || !local) {
		if (a)
			rtnl_addr_put(a);
		if (local)
			nl_addr_put(local);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(local, (int)vip->length);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	int err = rtnl_addr_set_local(a, local); /* takes the prefix length too */
	nl_addr_put(local);
	if (err < 0) {
		rtnl_addr_put(a);
		return netlink_errno(err);
	}
	*out = a;
	return 0;
}

int netlink_vip_add(struct netlink *nl, int ifindex, const struct ip_prefix *vip, const char *label)
{
	struct rtnl_addr *a = NULL;
	int err = netlink_vip_object(ifindex, vip, &a);

	if (err < 0)
		return err;
	if (vip->address.family == AF_INET) {
		/* iproute2 shows "eth0:vr51"; the kernel caps labels at 15. */
		if (label && *label && strlen(label) <= IPV4_LABEL_MAX)
			rtnl_addr_set_label(a, label);
	} else {
		/* DESIGN: VIPs skip DAD, or they would stay tentative (and unusable)
		 * for a second after every failover. */
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	}
	err = rtnl_addr_add(nl->sk, a, 0);
	rtnl_addr_put(a);
	if (err == -NLE_EXIST)
		return 1;
	return err < 0 ? netlink_errno(err) : 0;
}

int netlink_vip_remove(struct netlink *nl, int ifindex, const struct ip_prefix *vip)
{
	struct rtnl_addr *a = NULL;
	int err = netlink_vip_object(ifindex, vip, &a);

	if (err < 0)
		return err;
	err = rtnl_addr_delete(nl->sk, a, 0);
	rtnl_addr_put(a);
	if (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND)
		return 1;
	return err < 0 ? netlink_errno(err) : 0;
}

int netlink_vip_present(struct netlink *nl, int ifindex, const struct ip_prefix *vip)
{
	struct nl_cache *cache;
	int found = 0;

	if (ip_address_length(vip->address.family) == 0)
		return -EAFNOSUPPORT;
	int err = netlink_address_dump(nl, &cache);
	if (err < 0)
		return err;
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct ip_address address;

		found = rtnl_addr_get_ifindex(a) == ifindex && netlink_address_read(a, &address) &&
			ip_address_equal(&address, &vip->address);
	}
	nl_cache_free(cache);
	return found;
}
