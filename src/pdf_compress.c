/* PDF renderer, the backend's compression (pdf_backend_int.h). Each
 * page's stream is compressed once, with libharu's own deflate (zlib is not
 * linked directly), reading p->cs and writing p->z through callback
 * streams; a stream already deflated names its filter with a hook. */
#include "pdf_backend_int.h"

#include <string.h>

/* Written into the dictionary of a stream whose bytes are already deflated
 * (libharu keeps them as they are with filter none, and calls this hook for
 * extra entries). */
HPDF_STATUS ion_pdf_flate_entry(HPDF_Dict dict, HPDF_Stream st)
{
    (void)dict;
    return HPDF_Stream_WriteStr(st, "/Filter /FlateDecode\012");
}

static HPDF_STATUS z_read(HPDF_Stream st, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    ion_pdf *p = st->attr;
    size_t left = p->cs.len - p->cs_read;
    HPDF_UINT n = *siz < left ? *siz : (HPDF_UINT)left;
    memcpy(ptr, p->cs.s + p->cs_read, n);
    p->cs_read += n;
    *siz = n;
    return p->cs_read == p->cs.len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS z_seek(HPDF_Stream st, HPDF_INT pos, HPDF_WhenceMode mode)
{
    ion_pdf *p = st->attr;
    size_t base = mode == HPDF_SEEK_CUR   ? p->cs_read
                  : mode == HPDF_SEEK_END ? p->cs.len
                                          : 0;
    if ((HPDF_INT)base + pos < 0 || base + (size_t)pos > p->cs.len)
        return HPDF_STREAM_EOF;
    p->cs_read = base + (size_t)pos;
    return HPDF_OK;
}

static HPDF_INT32 z_tell(HPDF_Stream st)
{
    return (HPDF_INT32)((ion_pdf *)st->attr)->cs_read;
}

static HPDF_UINT32 z_size(HPDF_Stream st)
{
    return (HPDF_UINT32)((ion_pdf *)st->attr)->cs.len;
}

static HPDF_STATUS z_write(HPDF_Stream st, const HPDF_BYTE *ptr,
                           HPDF_UINT siz)
{
    ion_pdf *p = st->attr;
    ion_strbuf_add(&p->z, ptr, siz);
    if (p->z.oom) {
        p->oom = 1;
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    return HPDF_OK;
}

/* p->cs deflated into p->z. */
int ion_pdf_compress_page(ion_pdf *p)
{
    if (!p->z_in) {
        p->z_in = HPDF_CallbackReader_New(p->doc->mmgr, z_read, z_seek,
                                          z_tell, z_size, p);
        p->z_out = HPDF_CallbackWriter_New(p->doc->mmgr, z_write, p);
        if (!p->z_in || !p->z_out)
            return -1;
    }
    p->cs_read = 0;
    ion_strbuf_reset(&p->z);
    return HPDF_Stream_WriteToStream(p->z_in, p->z_out,
                                     HPDF_STREAM_FILTER_FLATE_DECODE,
                                     NULL) == HPDF_OK
               ? 0
               : -1;
}
