/*
 * config_errors.c - how the parser reports: "FILE:LINE: message" records,
 * ordered by file and line, with did-you-mean hints for unknown names.
 *
 * Sections are parsed in dependency order (checks, instances, sync
 * groups), not in file order, so errors are kept as records and sorted once
 * at the end: the operator reads them top to bottom like the file.
 *
 * File names: libconfig names an included file as written in @include,
 * relative to the main file's directory. Errors and instance_config.file
 * use that directory as a prefix, so every FILE is one the operator can
 * open from where they ran `failoverd -t`.
 */
#include "config_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t config_file_rank(const struct config_parser *parser, const char *file)
{
	const struct failoverd_config *config = parser->config;

	for (size_t i = 0; config && i < config->file_count; i++)
		if (strcmp(config->files[i], file) == 0)
			return i;
	return (size_t)-1;
}

/*
 * libconfig names an included file as written in @include, relative to the
 * include directory (the main file's). Prefixing that directory gives a
 * name the operator can open from where they ran `failoverd -t`.
 */
static const char *config_file_display(const struct config_parser *parser, const char *file,
				       char *buf, size_t size)
{
	if (!file)
		return parser->path;
	if (!parser->include_dir || file[0] == '/' || strcmp(file, parser->path) == 0)
		return file;
	snprintf(buf, size, "%s/%s", strcmp(parser->include_dir, "/") ? parser->include_dir : "",
		 file);
	return buf;
}

static void config_error_vadd(struct config_parser *parser, const char *file, int line,
			      const char *format, va_list args)
{
	struct config_error_record *records;
	char display[2 * CONFIG_PATH_MAX];
	char *message = NULL;
	char *text = NULL;
	int rc;

	if (vasprintf(&message, format, args) < 0)
		return;
	file = config_file_display(parser, file, display, sizeof(display));
	if (line > 0)
		rc = asprintf(&text, "%s:%d: %s", file, line, message);
	else
		rc = asprintf(&text, "%s: %s", file, message);
	free(message);
	if (rc < 0)
		return;
	records = realloc(parser->records, (parser->record_count + 1) * sizeof(*records));
	if (!records) {
		free(text);
		return;
	}
	parser->records = records;
	records[parser->record_count] = (struct config_error_record){
	    .file_rank = config_file_rank(parser, file),
	    .line = line,
	    .sequence = parser->record_count,
	    .text = text,
	};
	parser->record_count++;
}

static int config_error_record_compare(const void *a, const void *b)
{
	const struct config_error_record *x = a, *y = b;

	if (x->file_rank != y->file_rank)
		return x->file_rank < y->file_rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->sequence < y->sequence ? -1 : x->sequence > y->sequence;
}

size_t config_errors_flush(struct config_parser *parser)
{
	struct config_errors *errors = parser->errors;
	size_t count = parser->record_count;
	char **lines;

	if (count > 1)
		qsort(parser->records, count, sizeof(*parser->records),
		      config_error_record_compare);
	lines = count ? realloc(errors->lines, (errors->count + count) * sizeof(*lines)) : NULL;
	for (size_t i = 0; i < count; i++) {
		if (lines)
			lines[errors->count + i] = parser->records[i].text;
		else
			free(parser->records[i].text);
	}
	if (lines) {
		errors->lines = lines;
		errors->count += count;
	}
	free(parser->records);
	parser->records = NULL;
	parser->record_count = 0;
	return count;
}

void config_error_at(struct config_parser *parser, const char *file, int line, const char *format,
		     ...)
{
	va_list args;

	va_start(args, format);
	config_error_vadd(parser, file, line, format, args);
	va_end(args);
}

/* Whether line number `number` of text contains needle. */
static bool config_line_contains(FILE *file, int number, const char *needle, int *current,
				 char **buffer, size_t *size)
{
	while (*current < number) {
		if (getline(buffer, size, file) < 0)
			return false;
		(*current)++;
	}
	return strstr(*buffer, needle) != NULL;
}

/*
 * libconfig 1.5 records a list element's line only after reading the token
 * that follows it. For every element but the last that is the ',' right
 * after it; for the last one it is the closing ')' or ']', which may sit
 * lines further down. For such a string, find the line that holds the
 * literal, between the list's first line and the recorded one.
 */
static int config_element_line(const struct config_parser *parser, const config_setting_t *at)
{
	const config_setting_t *parent = config_setting_parent(at);
	int recorded = (int)config_setting_source_line(at);
	char display[2 * CONFIG_PATH_MAX], needle[CONFIG_PATH_MAX + 3];
	const char *text;
	char *buffer = NULL;
	size_t size = 0;
	int current = 0, found = recorded;
	FILE *file;

	if (!parent || config_setting_type(at) != CONFIG_TYPE_STRING ||
	    (config_setting_type(parent) != CONFIG_TYPE_LIST &&
	     config_setting_type(parent) != CONFIG_TYPE_ARRAY) ||
	    config_setting_index(at) != config_setting_length(parent) - 1)
		return recorded;
	text = config_setting_get_string(at);
	if (strlen(text) > CONFIG_PATH_MAX || strpbrk(text, "\\\"\n"))
		return recorded; /* written with escapes: cannot match verbatim */
	snprintf(needle, sizeof(needle), "\"%s\"", text);
	file = fopen(
	    config_file_display(parser, config_setting_source_file(at), display, sizeof(display)),
	    "r");
	if (!file)
		return recorded;
	for (int line = (int)config_setting_source_line(parent); line <= recorded; line++)
		if (config_line_contains(file, line, needle, &current, &buffer, &size))
			found = line;
	free(buffer);
	fclose(file);
	return found;
}

void config_error(struct config_parser *parser, const config_setting_t *at, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	config_error_vadd(parser, at ? config_setting_source_file(at) : NULL,
			  at ? config_element_line(parser, at) : 0, format, args);
	va_end(args);
}

void config_error_missing(struct config_parser *parser, const config_setting_t *group,
			  const char *name, const char *where)
{
	config_error(parser, group, "%s: missing required setting '%s'", where, name);
}

/* Classic two-row Levenshtein distance; names are short. */
static size_t config_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[CONFIG_NAME_MAX + 1], prev[CONFIG_NAME_MAX + 1];

	if (la > CONFIG_NAME_MAX || lb > CONFIG_NAME_MAX)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev[j - 1] + cost;

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
		}
		memcpy(prev, row, (lb + 1) * sizeof(row[0]));
	}
	return prev[lb];
}

const char *config_suggest(const char *name, const char *const *known, size_t count)
{
	const char *best = NULL;
	size_t best_distance = 3; /* hints only for distance <= 2 */

	for (size_t i = 0; i < count; i++)
		if (strcasecmp(name, known[i]) == 0)
			return known[i];
	for (size_t i = 0; i < count; i++) {
		size_t distance = config_levenshtein(name, known[i]);

		if (distance < best_distance) {
			best_distance = distance;
			best = known[i];
		}
	}
	return best;
}

static const char *config_member_hint_find(const struct config_member_hint *hints,
					   size_t hint_count, const char *name)
{
	for (size_t i = 0; i < hint_count; i++)
		if (strcmp(hints[i].name, name) == 0)
			return hints[i].hint;
	return NULL;
}

void config_check_members_hinted(struct config_parser *parser, const config_setting_t *group,
				 const char *const *known, size_t count,
				 const struct config_member_hint *hints, size_t hint_count,
				 const char *where)
{
	int length = config_setting_length(group);

	for (int i = 0; i < length; i++) {
		const config_setting_t *member = config_setting_get_elem(group, (unsigned int)i);
		const char *name = config_setting_name(member);
		const char *hint, *suggestion = NULL;
		bool found = false;

		for (size_t k = 0; k < count && !found; k++)
			found = strcmp(name, known[k]) == 0;
		if (found)
			continue;
		hint = config_member_hint_find(hints, hint_count, name);
		if (!hint)
			suggestion = config_suggest(name, known, count);
		config_error(parser, member, "unknown setting '%s' %s%s%s%s%s%s%s%s", name,
			     where ? "in " : "at top level", where ? where : "", hint ? " (" : "",
			     hint ? hint : "", hint ? ")" : "",
			     suggestion ? " (did you mean '" : "", suggestion ? suggestion : "",
			     suggestion ? "'?)" : "");
	}
}

void config_check_members(struct config_parser *parser, const config_setting_t *group,
			  const char *const *known, size_t count, const char *where)
{
	config_check_members_hinted(parser, group, known, count, NULL, 0, where);
}

const char *config_file_intern(struct config_parser *parser, const char *file)
{
	struct failoverd_config *config = parser->config;
	char display[2 * CONFIG_PATH_MAX];
	char **files;
	char *copy;

	file = config_file_display(parser, file, display, sizeof(display));
	for (size_t i = 0; i < config->file_count; i++)
		if (strcmp(config->files[i], file) == 0)
			return config->files[i];
	files = realloc(config->files, (config->file_count + 1) * sizeof(*files));
	if (!files)
		goto oom;
	config->files = files;
	copy = strdup(file);
	if (!copy)
		goto oom;
	config->files[config->file_count++] = copy;
	return copy;
oom:
	config_error_at(parser, parser->path, 0, "out of memory");
	return NULL;
}
