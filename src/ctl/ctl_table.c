/*
 * ctl_table.c - aligned text tables for failoverctl's status and stats.
 *
 * Cells are copied when a row is added, with control characters replaced by
 * '?', so one row is always one line. Columns are as wide as their widest
 * cell and two spaces apart; the last column is not padded, so no line ends
 * in blanks. Widths count bytes: names and addresses are ASCII.
 */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>

#define CTL_COLUMN_GAP 2

struct ctl_table {
	const struct ctl_column *columns;
	size_t column_count;
	char **cells; /* row-major, rows * column_count */
	size_t rows;
	size_t capacity; /* rows */
};

struct ctl_table *ctl_table_new(const struct ctl_column *columns, size_t count)
{
	struct ctl_table *table = ctl_alloc(sizeof(*table));

	table->columns = columns;
	table->column_count = count;
	return table;
}

static char *ctl_table_copy_cell(const char *text)
{
	size_t len = strlen(text ? text : "");
	char *copy = ctl_alloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		copy[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	return copy;
}

void ctl_table_add_row(struct ctl_table *table, const char *const *cells)
{
	if (table->rows == table->capacity) {
		size_t capacity = table->capacity ? table->capacity * 2 : 16;
		char **grown = ctl_alloc(capacity * table->column_count * sizeof(*grown));
		if (table->cells)
			memcpy(grown, table->cells,
			       table->rows * table->column_count * sizeof(*grown));
		free(table->cells);
		table->cells = grown;
		table->capacity = capacity;
	}
	char **row = table->cells + table->rows * table->column_count;
	for (size_t c = 0; c < table->column_count; c++)
		row[c] = ctl_table_copy_cell(cells[c]);
	table->rows++;
}

size_t ctl_table_rows(const struct ctl_table *table)
{
	return table->rows;
}

static size_t ctl_table_width(const struct ctl_table *table, size_t column)
{
	size_t width = strlen(table->columns[column].header);

	for (size_t r = 0; r < table->rows; r++) {
		size_t len = strlen(table->cells[r * table->column_count + column]);
		if (len > width)
			width = len;
	}
	return width;
}

static void ctl_table_print_row(const struct ctl_table *table, const char *const *cells,
				const size_t *widths, FILE *out)
{
	for (size_t c = 0; c < table->column_count; c++) {
		bool last = c + 1 == table->column_count;
		int width = (int)widths[c];

		if (c)
			fprintf(out, "%*s", CTL_COLUMN_GAP, "");
		if (table->columns[c].align == CTL_ALIGN_RIGHT)
			fprintf(out, "%*s", width, cells[c]);
		else if (last)
			fputs(cells[c], out);
		else
			fprintf(out, "%-*s", width, cells[c]);
	}
	fputc('\n', out);
}

void ctl_table_print(const struct ctl_table *table, FILE *out)
{
	size_t *widths = ctl_alloc(table->column_count * sizeof(*widths));
	const char **headers = ctl_alloc(table->column_count * sizeof(*headers));

	for (size_t c = 0; c < table->column_count; c++) {
		widths[c] = ctl_table_width(table, c);
		headers[c] = table->columns[c].header;
	}
	ctl_table_print_row(table, headers, widths, out);
	for (size_t r = 0; r < table->rows; r++)
		ctl_table_print_row(table,
				    (const char *const *)(table->cells + r * table->column_count),
				    widths, out);
	free(headers);
	free(widths);
}

void ctl_table_free(struct ctl_table *table)
{
	if (!table)
		return;
	for (size_t i = 0; i < table->rows * table->column_count; i++)
		free(table->cells[i]);
	free(table->cells);
	free(table);
}
