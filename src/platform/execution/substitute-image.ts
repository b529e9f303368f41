import { ImageSubstitutionError } from './execution-errors.ts';

// `$IMAGE` and `${IMAGE}`, but not a longer variable such as `$IMAGE_TAG`.
const IMAGE_REFERENCE = /\$\{IMAGE\}|\$IMAGE(?![A-Za-z0-9_])/g;

// The image lands in a shell command unquoted; anything beyond an image reference's characters
// would be shell syntax.
const SAFE_IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;

/**
 * Replaces `$IMAGE` and `${IMAGE}` in a launch command with the built image. A command that
 * does not mention the image is returned unchanged, with or without one. Throws
 * {@link ImageSubstitutionError} when the command mentions it and `image` is undefined (rather
 * than letting the shell expand it to nothing) or is not a plain image name.
 *
 * @example
 * substituteImage('docker run $IMAGE --steps 100', 'app:v1'); // 'docker run app:v1 --steps 100'
 */
export function substituteImage(command: string, image: string | undefined): string {
  if (!new RegExp(IMAGE_REFERENCE.source).test(command)) return command;

  if (image === undefined) {
    throw new ImageSubstitutionError(command, 'no image was built; set a build command that prints the image name, or remove $IMAGE from the launch command');
  }
  if (!SAFE_IMAGE.test(image)) {
    throw new ImageSubstitutionError(command, `the image name "${image}" holds characters the shell would interpret`);
  }
  return command.replace(IMAGE_REFERENCE, image);
}
