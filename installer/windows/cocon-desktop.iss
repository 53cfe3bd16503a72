; Inno Setup script (https://jrsoftware.org/isinfo.php) for COCON Desktop on Windows.
; Build the bundle first, on Windows, with the same spec:
;     py -3.11 -m venv .venv && .venv\Scripts\pip install -e ".[dist]"
;     .venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller installer\cocon-desktop.spec
; then compile this script (ISCC.exe installer\windows\cocon-desktop.iss): Output\cocon-desktop-0.1.0-setup.exe.
; The icon resources\icons\cocon-desktop.ico is made with the PNG sizes by tools/render_icons.py (committed).
; Per-user install (no administrator rights needed); the practice's data stays in %APPDATA%\COCON\cocon-desktop
; and is never removed by the uninstaller.

#define AppName "COCON Desktop"
#define AppVersion "0.1.0"
#define Bundle "..\..\dist\cocon-desktop"

[Setup]
AppId={{6E4C2B9A-3F1D-4C7E-9B7A-2D5C0C0C0C0C}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=COCON
DefaultDirName={localappdata}\Programs\COCON Desktop
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=Output
OutputBaseFilename=cocon-desktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\cocon-desktop.ico
UninstallDisplayIcon={app}\cocon-desktop.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\cocon-desktop.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\cocon-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\cocon-desktop.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
