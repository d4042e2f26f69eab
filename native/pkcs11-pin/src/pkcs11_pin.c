/*
 * C_Login, C_InitPIN and C_SetPIN with the PIN taken from a Buffer's own memory.
 *
 * pkcs11js takes a PIN only as a JS string and copies it into a std::vector that it frees without
 * zeroing; a JS string cannot be zeroed either. Here the module is called with a pointer into the
 * caller's Buffer, which the caller zeroes after the call: the PIN is never copied by this code.
 *
 * The module is the one pkcs11js loaded (and C_Initialize'd) in this process: it is looked up among
 * the loaded libraries (RTLD_NOLOAD; on Windows GetModuleHandle), never loaded here, so the session
 * handles pkcs11js hands out are valid for it.
 *
 * PKCS#11 types from pkcs11js's copy of the RSA Security Inc. PKCS #11 Cryptographic Token Interface
 * (Cryptoki) headers.
 */
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

#ifdef _WIN32
#include <windows.h>
/* Cryptoki's structures are packed to 1 byte on Windows (PKCS #11 v2.40 §2.1). */
#pragma pack(push, cryptoki, 1)
#else
#include <dlfcn.h>
#endif
/* pkcs11js's copy of pkcs11.h defines CK_PTR, CK_DECLARE_FUNCTION… for Windows and POSIX. */
#include <pkcs11/pkcs11.h>
#ifdef _WIN32
#pragma pack(pop, cryptoki)
#endif

#define MAX_PATH_BYTES 4096

static napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* The function list of the already loaded module at `path` (UTF-8), or NULL. */
static CK_FUNCTION_LIST_PTR loaded_module(const char *path) {
  CK_C_GetFunctionList get = NULL;
  CK_FUNCTION_LIST_PTR list = NULL;
#ifdef _WIN32
  wchar_t wide[MAX_PATH_BYTES];
  HMODULE lib;
  if (MultiByteToWideChar(CP_UTF8, 0, path, -1, wide, MAX_PATH_BYTES) == 0) return NULL;
  lib = GetModuleHandleW(wide);
  if (lib == NULL) return NULL;
  get = (CK_C_GetFunctionList)GetProcAddress(lib, "C_GetFunctionList");
#else
  void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (lib == NULL) return NULL;
  get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  dlclose(lib); /* RTLD_NOLOAD took a reference; pkcs11js keeps its own. */
#endif
  if (get == NULL || get(&list) != CKR_OK) return NULL;
  return list;
}

/* Arguments shared by the three calls: module path, session handle. */
static int read_module_and_session(napi_env env, napi_value *argv, CK_FUNCTION_LIST_PTR *list, CK_SESSION_HANDLE *session) {
  char path[MAX_PATH_BYTES];
  size_t length = 0;
  bool is_buffer = false;
  void *data = NULL;
  size_t size = 0;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length) != napi_ok || length == 0 || length >= sizeof path - 1) {
    throw_type(env, "modulePath must be a non-empty string");
    return 0;
  }
  if (napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer) {
    throw_type(env, "session must be a Buffer (a pkcs11js session handle)");
    return 0;
  }
  napi_get_buffer_info(env, argv[1], &data, &size);
  if (size != sizeof(CK_SESSION_HANDLE)) {
    throw_type(env, "session handle has the wrong length");
    return 0;
  }
  memcpy(session, data, sizeof(CK_SESSION_HANDLE));
  *list = loaded_module(path);
  if (*list == NULL) {
    napi_throw_error(env, "ERR_PKCS11_MODULE_NOT_LOADED", "the PKCS#11 module is not loaded in this process");
    return 0;
  }
  return 1;
}

/* A PIN argument: a Buffer (pointer into its memory) or, when allowed, null. */
static int read_pin(napi_env env, napi_value value, int allow_null, CK_UTF8CHAR_PTR *pin, CK_ULONG *length) {
  bool is_buffer = false;
  napi_valuetype type;
  void *data = NULL;
  size_t size = 0;
  napi_typeof(env, value, &type);
  if (allow_null && type == napi_null) {
    *pin = NULL_PTR;
    *length = 0;
    return 1;
  }
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) {
    throw_type(env, "a PIN must be a Buffer");
    return 0;
  }
  napi_get_buffer_info(env, value, &data, &size);
  *pin = (CK_UTF8CHAR_PTR)data;
  *length = (CK_ULONG)size;
  return 1;
}

static napi_value rv_value(napi_env env, CK_RV rv) {
  napi_value out;
  napi_create_double(env, (double)rv, &out);
  return out;
}

static napi_value js_login(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CK_FUNCTION_LIST_PTR list;
  CK_SESSION_HANDLE session;
  uint32_t user_type = 0;
  CK_UTF8CHAR_PTR pin;
  CK_ULONG pin_length;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4) return throw_type(env, "login(modulePath, session, userType, pin)");
  if (napi_get_value_uint32(env, argv[2], &user_type) != napi_ok) return throw_type(env, "userType must be a number");
  if (!read_pin(env, argv[3], 1, &pin, &pin_length)) return NULL;
  if (!read_module_and_session(env, argv, &list, &session)) return NULL;
  return rv_value(env, list->C_Login(session, (CK_USER_TYPE)user_type, pin, pin_length));
}

static napi_value js_init_pin(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CK_FUNCTION_LIST_PTR list;
  CK_SESSION_HANDLE session;
  CK_UTF8CHAR_PTR pin;
  CK_ULONG pin_length;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3) return throw_type(env, "initPin(modulePath, session, pin)");
  if (!read_pin(env, argv[2], 0, &pin, &pin_length)) return NULL;
  if (!read_module_and_session(env, argv, &list, &session)) return NULL;
  return rv_value(env, list->C_InitPIN(session, pin, pin_length));
}

static napi_value js_set_pin(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CK_FUNCTION_LIST_PTR list;
  CK_SESSION_HANDLE session;
  CK_UTF8CHAR_PTR old_pin, new_pin;
  CK_ULONG old_length, new_length;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4) return throw_type(env, "setPin(modulePath, session, oldPin, newPin)");
  if (!read_pin(env, argv[2], 0, &old_pin, &old_length)) return NULL;
  if (!read_pin(env, argv[3], 0, &new_pin, &new_length)) return NULL;
  if (!read_module_and_session(env, argv, &list, &session)) return NULL;
  return rv_value(env, list->C_SetPIN(session, old_pin, old_length, new_pin, new_length));
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"login", NULL, js_login, NULL, NULL, NULL, napi_enumerable, NULL},
      {"initPin", NULL, js_init_pin, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setPin", NULL, js_set_pin, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
