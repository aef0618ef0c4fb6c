export { detectComfyUiLayout, isComfyUiRoot, readExtraLoraPaths } from './comfyui-layout';
export { FolderService } from './folder.service';
export type { FolderProbe } from './folder.service';
