/*
 * netlink.c - requests to the kernel's routing netlink through libnl-route-3:
 * link lookups, the interface's primary address, and the VIPs themselves.
 *
 * One blocking request socket serves every query and change; each call
 * sends one request and waits for the kernel's answer, so a VIP add has
 * really happened (or really failed) when netlink_vip_add returns. Address
 * lookups dump the address table and filter here: the dump is small and
 * this avoids depending on kernel-side strict filtering. Events live in
 * link_watch.c on a socket of their own.
 */
#include "failoverd/netlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

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

int netlink_link_get(struct netlink *nl, const char *name, struct link_info *out)
{
	struct rtnl_link *link = NULL;

	if (!name || !*name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	int err = rtnl_link_get_kernel(nl->sk, 0, name, &link);
	if (err < 0) {
		err = netlink_errno(err);
		return err == -ENOENT ? -ENODEV : err;
	}
	netlink_link_info_from(link, out);
	rtnl_link_put(link);
	return 0;
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
