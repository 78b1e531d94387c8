package dev.summarizer.runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the shared libraries ONNX Runtime's CUDA provider loads cannot be found, so that a failed {@code --device
 * cuda} can name them: ONNX Runtime itself only says that loading failed. The list is what {@code ldd} shows the
 * 1.29 provider library links (the driver's libcuda and CUDA 12's runtime, cuBLAS and cuRAND) plus cuDNN 9, which
 * it opens at run time.
 */
final class CudaLibraries {
    static final List<String> NEEDED = List.of("libcuda.so.1", "libcudart.so.12", "libcublas.so.12", "libcublasLt.so.12",
            "libcurand.so.10", "libcudnn.so.9");
    /** Where the dynamic linker looks besides LD_LIBRARY_PATH, and where CUDA and cuDNN packages install. */
    private static final List<String> USUAL_FOLDERS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/local/cuda/lib64", "/usr/local/cuda-12/lib64", "/usr/lib/aarch64-linux-gnu");

    private CudaLibraries() {}

    /** The needed libraries found in none of the folders of {@code ldLibraryPath} and the usual ones. */
    static List<String> missing(String ldLibraryPath) {
        Set<Path> folders = new LinkedHashSet<>();
        if (ldLibraryPath != null) {
            for (String folder : ldLibraryPath.split(File.pathSeparator)) {
                if (!folder.isBlank()) {
                    folders.add(Path.of(folder));
                }
            }
        }
        USUAL_FOLDERS.forEach(f -> folders.add(Path.of(f)));
        List<String> missing = new ArrayList<>();
        for (String library : NEEDED) {
            if (folders.stream().noneMatch(f -> Files.exists(f.resolve(library)))) {
                missing.add(library);
            }
        }
        return missing;
    }
}
