; NSIS additions (electron-builder includes this: nsis.include). electron-builder's `protocols` only
; reaches macOS's Info.plist, so the Windows installer writes the zorgid:// scheme itself, under the
; install scope (SHCTX: HKCU per user, HKLM per machine), and removes it on uninstall.
!macro customInstall
  WriteRegStr SHCTX "Software\Classes\zorgid" "" "URL:ZORG-ID Desktop"
  WriteRegStr SHCTX "Software\Classes\zorgid" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\zorgid\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\zorgid\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\Classes\zorgid"
!macroend
