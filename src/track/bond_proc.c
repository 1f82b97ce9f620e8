/*
 * bond_proc.c - the bonding driver's status text, /proc/net/bonding/NAME.
 *
 * The bond tracker's fallback for kernels that give no bonding slave
 * attributes over netlink (IFLA_BOND_SLAVE_*, since Linux 3.13). The text
 * (Documentation/networking/bonding.rst, "Querying Bonding Configuration")
 * starts with "Ethernet Channel Bonding Driver: vX", describes the bond
 * (mode, the bond's own "MII Status", monitoring), and then has one block
 * per member:
 *
 *     Slave Interface: eth1
 *     MII Status: down
 *     Speed: Unknown
 *     ...
 *
 * Only the member names and the first "MII Status" of each block matter
 * here; everything else (802.3ad details, ARP targets, counters) is
 * skipped, so new lines in future kernels do no harm. A member counts as
 * up only for "up": "going down" (BOND_LINK_FAIL) and "going back"
 * (BOND_LINK_BACK) are the bonding driver's own debounce states, in which
 * it does not send on the member either.
 */
#include "link_track_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOND_PROC_HEADER "Ethernet Channel Bonding Driver:"
#define BOND_PROC_MEMBER "Slave Interface:"
#define BOND_PROC_MII "MII Status:"
/* 32 members of an 802.3ad bond take about 25 KiB. */
#define BOND_PROC_TEXT_MAX (64 * 1024)

/* One line of the text, without its newline and surrounding blanks. */
struct bond_proc_line {
	const char *start;
	size_t length;
};

static bool bond_proc_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Cuts the next line off *text; false at the end. */
static bool bond_proc_next_line(const char **text, struct bond_proc_line *line)
{
	const char *start = *text, *end;

	if (!*start)
		return false;
	end = strchrnul(start, '\n');
	*text = *end ? end + 1 : end;
	while (start < end && bond_proc_is_blank(*start))
		start++;
	while (end > start && bond_proc_is_blank(end[-1]))
		end--;
	line->start = start;
	line->length = (size_t)(end - start);
	return true;
}

/* If line starts with key, the value after it (blanks skipped). */
static bool bond_proc_value(const struct bond_proc_line *line, const char *key,
			    struct bond_proc_line *value)
{
	size_t key_length = strlen(key);

	if (line->length < key_length || strncmp(line->start, key, key_length))
		return false;
	value->start = line->start + key_length;
	value->length = line->length - key_length;
	while (value->length && bond_proc_is_blank(*value->start)) {
		value->start++;
		value->length--;
	}
	return true;
}

static bool bond_proc_value_is(const struct bond_proc_line *value, const char *word)
{
	return value->length == strlen(word) && !strncmp(value->start, word, value->length);
}

/* Skips leading blank lines; whether the first line is the driver's. */
static bool bond_proc_has_header(const char **text)
{
	struct bond_proc_line line, value;

	while (bond_proc_next_line(text, &line))
		if (line.length)
			return bond_proc_value(&line, BOND_PROC_HEADER, &value);
	return false;
}

int bond_proc_parse(const char *text, struct bond_member *members, size_t max)
{
	struct bond_proc_line line, value;
	struct bond_member *current = NULL; /* the block being read, if kept */
	bool mii_seen = true;
	size_t count = 0;

	if (!text || !bond_proc_has_header(&text))
		return -EINVAL;
	while (bond_proc_next_line(&text, &line)) {
		if (bond_proc_value(&line, BOND_PROC_MEMBER, &value)) {
			if (value.length == 0 || value.length >= IFNAMSIZ)
				return -EINVAL;
			current = count < max ? &members[count++] : NULL;
			mii_seen = false;
			if (current) {
				memset(current, 0, sizeof(*current));
				memcpy(current->name, value.start, value.length);
			}
		} else if (line.length == 0) {
			mii_seen = true; /* a block ends at a blank line */
		} else if (!mii_seen && bond_proc_value(&line, BOND_PROC_MII, &value)) {
			mii_seen = true;
			if (current)
				current->up = bond_proc_value_is(&value, "up");
		}
	}
	return (int)count;
}

int bond_proc_read(const char *dir, const char *bond, struct bond_member *members, size_t max)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, bond) >= sizeof(path))
		return -ENAMETOOLONG;
	FILE *file = fopen(path, "re");
	if (!file)
		return -errno;
	char *text = malloc(BOND_PROC_TEXT_MAX);
	if (!text) {
		fclose(file);
		return -ENOMEM;
	}
	size_t length = fread(text, 1, BOND_PROC_TEXT_MAX - 1, file);
	int err = ferror(file) ? -EIO : 0;
	fclose(file);
	text[length] = '\0';
	if (err == 0)
		err = bond_proc_parse(text, members, max);
	free(text);
	return err;
}
