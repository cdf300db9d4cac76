/* placeholder: the module is being written */
typedef int collab_placeholder_unused;
