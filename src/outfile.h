/* Output files written safely, the way git writes with its lockfile.
 *
 * Every file a command writes (key.xml, the PDFs, answer files, the
 * gradebook, feedback) is first written under a temporary name beside its
 * target, created with O_CREAT|O_EXCL|O_NOFOLLOW (a name planted in
 * advance, a symbolic link for instance, is never opened), and renamed into
 * place only when the command commits: a reader, a crash or a full disk
 * never shows a half-written file under its final name.
 *
 * The order of every command (README "Crash safety"):
 *   1. write every output under its temporary name (ion_output_*);
 *   2. commit the database transaction;
 *   3. rename the outputs into place (ion_output_commit).
 * A failure before 2 rolls the database back and removes the temporaries
 * (ion_output_abort): neither half remains. A kill between 2 and 3 leaves
 * the database done and some outputs under temporary names; running the
 * same command again writes them all (its outputs depend only on the
 * database and the inputs), and removes the temporaries a dead process
 * left in the directories it writes to.
 *
 * Directories: ion_outdir_open makes the directory and its parents (mkdir
 * -p, once) and holds it open, so that later steps cannot be redirected by
 * a directory renamed or replaced meanwhile. It refuses a directory that
 * other users may write to (mode o+w) unless it is sticky and ours, and a
 * symbolic link on the way that sits in such a directory. No path is ever
 * truncated: a path longer than PATH_MAX is refused. */
#ifndef ION_OUTFILE_H
#define ION_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* A directory outputs go to, held open. */
typedef struct ion_outdir ion_outdir;

/* Opens directory path for writing, making it and its missing parents.
 * Returns NULL with err filled (the path and the reason). */
ion_outdir *ion_outdir_open(const char *path, ion_error *err);
/* Subdirectory name of d (one component, no '/'), made when missing; a
 * symbolic link there is refused. */
ion_outdir *ion_outdir_sub(ion_outdir *d, const char *name, ion_error *err);
/* The path as given (for messages). */
const char *ion_outdir_path(const ion_outdir *d);
void ion_outdir_close(ion_outdir *d);

/* Permissions of a new file: private ones (the database, keys, solutions,
 * gradebooks: they hold answers or grades) are 0600; public ones (student
 * worksheets, answer files, feedback) 0666 less the umask. */
enum { ION_OUT_PUBLIC = 0, ION_OUT_PRIVATE = 1 };

/* The files of one command, written under temporary names and renamed
 * into place together. */
typedef struct ion_output ion_output;

ion_output *ion_output_new(void);
/* Starts file name in d: returns a stream on its temporary file, or NULL
 * with err filled. End it with ion_output_end before the next begin in
 * the same d when memory matters (any number may be open at once). */
FILE *ion_output_begin(ion_output *o, ion_outdir *d, const char *name,
                       int mode, ion_error *err);
/* Closes f (from ion_output_begin); the file waits for the commit. A write
 * error (a full disk, EFBIG) is reported here with the file's final path
 * and the reason; the temporary is then removed. */
int ion_output_end(ion_output *o, FILE *f, ion_error *err);
/* begin, write len bytes, end. */
int ion_output_write(ion_output *o, ion_outdir *d, const char *name, int mode,
                     const void *data, size_t len, ion_error *err);
/* Renames every ended file into place, the last begun first: a command
 * begins its main file (key.xml, the gradebook) first, so that it appears
 * last, when everything it names is in place. Stops at the first failure
 * (err names the file); what was not renamed stays under its temporary
 * name and is removed by ion_output_free. */
int ion_output_commit(ion_output *o, ion_error *err);
/* Removes every temporary file (closing any stream still open). */
void ion_output_abort(ion_output *o);
/* Aborts what is left and frees o (NULL is fine). */
void ion_output_free(ion_output *o);

/* The directory of the file at path, opened as ion_outdir_open does, and
 * in *name the file's name there (a pointer into path). A path ending in
 * '/' has no file name and is refused. */
ion_outdir *ion_outdir_of(const char *path, const char **name, ion_error *err);

/* One file written whole or not at all: its directory opened, a
 * temporary written, renamed into place. 0, or -1 with err filled. */
int ion_write_file(const char *path, int mode, const void *data, size_t len, ion_error *err);

/* "DIR/NAME" for messages, allocated; NULL when out of memory. */
char *ion_path_join(const char *dir, const char *name);

#endif
