#pragma once
// Making a file, and its name in its directory, durable (fsync(2)): what the results journal and the store
// rely on before they remove or replace anything. Best effort: a path that cannot be opened is skipped.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace gpiqa::io {

inline void fsync_path(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

/// The directory entry of `path` (after a create, rename or link).
inline void fsync_parent(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  fsync_path(dir.empty() ? "." : dir.string());
}

}  // namespace gpiqa::io
