/*
 * A PKCS#11 module that forwards to a real one (FAULTY_PKCS11_REAL) and injects faults on command, so
 * the card host can be shown a middleware that fails or hangs at one chosen call. The control file
 * (FAULTY_PKCS11_CONTROL), read at every wrapped call, holds at most one line "<function> <action>":
 *   C_Login hang      the call blocks until the line changes (the supervisor's deadline ends it)
 *   C_Sign 0x30       the call returns that CK_RV without reaching the real module
 * Every injected fault appends "<function>\n" to <control>.hit, so a test can tell it fired.
 * Test fixture only: never shipped.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* pkcs11js's copy of the OASIS headers (always in node_modules) defines the platform macros itself. */
#include "pkcs11.h"

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST ours;

/* The action for `fn` now: 0 = none, 1 = hang, 2 = return *rv. */
static int action_for(const char *fn, CK_RV *rv) {
  const char *path = getenv("FAULTY_PKCS11_CONTROL");
  if (!path) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char name[64] = {0}, what[32] = {0};
  int n = fscanf(f, "%63s %31s", name, what);
  fclose(f);
  if (n != 2 || strcmp(name, fn) != 0) return 0;
  if (strcmp(what, "hang") == 0) return 1;
  *rv = (CK_RV)strtoul(what, NULL, 0);
  return 2;
}

static void record_hit(const char *fn) {
  const char *path = getenv("FAULTY_PKCS11_CONTROL");
  char hit[4096];
  snprintf(hit, sizeof hit, "%s.hit", path);
  FILE *f = fopen(hit, "a");
  if (!f) return;
  fprintf(f, "%s\n", fn);
  fclose(f);
}

/* Returns 1 with *rv set when the call must fail; blocks while it must hang. */
static int fault(const char *fn, CK_RV *rv) {
  int a = action_for(fn, rv);
  if (a == 0) return 0;
  record_hit(fn);
  if (a == 1) {
    while (action_for(fn, rv) == 1) usleep(20000);
    return 0;
  }
  return 1;
}

#define WRAP(name, params, args)                         \
  static CK_RV wrap_##name params {                      \
    CK_RV rv;                                            \
    if (fault(#name, &rv)) return rv;                    \
    return real->name args;                              \
  }

WRAP(C_GetSlotList, (CK_BBOOL a, CK_SLOT_ID_PTR b, CK_ULONG_PTR c), (a, b, c))
WRAP(C_GetTokenInfo, (CK_SLOT_ID a, CK_TOKEN_INFO_PTR b), (a, b))
WRAP(C_OpenSession, (CK_SLOT_ID a, CK_FLAGS b, CK_VOID_PTR c, CK_NOTIFY d, CK_SESSION_HANDLE_PTR e), (a, b, c, d, e))
WRAP(C_Login, (CK_SESSION_HANDLE a, CK_USER_TYPE b, CK_UTF8CHAR_PTR c, CK_ULONG d), (a, b, c, d))
WRAP(C_FindObjectsInit, (CK_SESSION_HANDLE a, CK_ATTRIBUTE_PTR b, CK_ULONG c), (a, b, c))
WRAP(C_FindObjects, (CK_SESSION_HANDLE a, CK_OBJECT_HANDLE_PTR b, CK_ULONG c, CK_ULONG_PTR d), (a, b, c, d))
WRAP(C_GetAttributeValue, (CK_SESSION_HANDLE a, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR c, CK_ULONG d), (a, b, c, d))
WRAP(C_SignInit, (CK_SESSION_HANDLE a, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (a, b, c))
WRAP(C_Sign, (CK_SESSION_HANDLE a, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG_PTR e), (a, b, c, d, e))

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!list) return CKR_ARGUMENTS_BAD;
  if (!real) {
    const char *path = getenv("FAULTY_PKCS11_REAL");
    void *lib = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!lib) return CKR_GENERAL_ERROR;
    CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR) = (CK_RV(*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(lib, "C_GetFunctionList");
    if (!get) return CKR_GENERAL_ERROR;
    CK_RV rv = get(&real);
    if (rv != CKR_OK) return rv;
    ours = *real;
    ours.C_GetFunctionList = C_GetFunctionList;
    ours.C_GetSlotList = wrap_C_GetSlotList;
    ours.C_GetTokenInfo = wrap_C_GetTokenInfo;
    ours.C_OpenSession = wrap_C_OpenSession;
    ours.C_Login = wrap_C_Login;
    ours.C_FindObjectsInit = wrap_C_FindObjectsInit;
    ours.C_FindObjects = wrap_C_FindObjects;
    ours.C_GetAttributeValue = wrap_C_GetAttributeValue;
    ours.C_SignInit = wrap_C_SignInit;
    ours.C_Sign = wrap_C_Sign;
  }
  *list = &ours;
  return CKR_OK;
}
